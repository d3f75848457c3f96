package dev.kubetracker.worker.swarm;

/**
 * The packed layout of a peer, as DESIGN.md fixes it.
 *
 * <p>An IPv4 peer is one {@code long}: address (32 bits) | port (16) | flags (8) | minute last seen (8).
 * The upper 48 bits are the peer's key and, byte for byte, its BEP 23 compact form, so sorting by the
 * unsigned value sorts by key and a reply is written by copying six bytes.
 *
 * <p>An IPv6 peer is three longs: address high, address low, and a tail of port (16) | flags (8) |
 * minute (8) in the low 32 bits.
 */
public final class PeerRecord {
    public static final int SEEDER = 1;
    /** The peer has sent {@code completed}; its download is counted once. */
    public static final int COMPLETED = 2;
    /** Learned from a sibling worker, never re-sent to siblings. */
    public static final int FROM_SYNC = 4;

    private PeerRecord() {
    }

    public static long v4(int address, int port, int flags, int minute) {
        return (address & 0xFFFF_FFFFL) << 32 | (long) (port & 0xFFFF) << 16 | (flags & 0xFF) << 8 | (minute & 0xFF);
    }

    /** The 48-bit key of an IPv4 record: address and port. */
    public static long v4Key(long record) {
        return record >>> 16;
    }

    public static int v4Address(long record) {
        return (int) (record >>> 32);
    }

    public static long tail(int port, int flags, int minute) {
        return (long) (port & 0xFFFF) << 16 | (flags & 0xFF) << 8 | (minute & 0xFF);
    }

    /** Port of an IPv4 record or of an IPv6 tail. */
    public static int port(long recordOrTail) {
        return (int) (recordOrTail >>> 16) & 0xFFFF;
    }

    public static int flags(long recordOrTail) {
        return (int) (recordOrTail >>> 8) & 0xFF;
    }

    public static int minute(long recordOrTail) {
        return (int) recordOrTail & 0xFF;
    }

    public static long withFlagsAndMinute(long recordOrTail, int flags, int minute) {
        return (recordOrTail & ~0xFFFFL) | (flags & 0xFF) << 8 | (minute & 0xFF);
    }

    /**
     * Minutes since the record was last seen, exact however long ago {@code cleanedMinute} was: every
     * record of a swarm was stamped at or before the swarm's last cleaning, and cleaning drops records
     * older than the timeout (at most 240 minutes), so the 8-bit difference to that minute never wraps.
     */
    public static int ageMinutes(long recordOrTail, int nowMinute, int cleanedMinute) {
        return Math.max(0, nowMinute - cleanedMinute) + ((cleanedMinute - minute(recordOrTail)) & 0xFF);
    }
}
