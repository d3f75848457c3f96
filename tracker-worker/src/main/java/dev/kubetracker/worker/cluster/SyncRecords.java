package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.PeerRecord;
import java.nio.ByteBuffer;

/**
 * The records that live sync datagrams and snapshot streams carry (big-endian):
 *
 * <pre>
 * type (1) | flags (1) | age in minutes (1) | info hash (20) | body
 *   type 1 ANNOUNCE, 2 COMPLETED, 3 STOPPED, 4 SNAPSHOT_PEER: body = address (4, or 16 with flag V6) | port (2)
 *   type 5 DOWNLOADED:                                          body = download count (4)
 *   type 6 TOMBSTONE (anti-entropy): a peer that stopped {@code age} minutes ago; body as a peer's
 * flags: 1 V6, 2 SEEDER, 4 COMPLETED_BEFORE (snapshot peers whose download the count already holds)
 * </pre>
 *
 * An IPv4 peer takes 29 bytes, an IPv6 peer 41, a download count 27. The offsets below are relative
 * to the record's first byte; writers and readers both go through them.
 */
public final class SyncRecords {
    public static final int ANNOUNCE = 1;
    public static final int COMPLETED = 2;
    public static final int STOPPED = 3;
    public static final int SNAPSHOT_PEER = 4;
    public static final int DOWNLOADED = 5;
    public static final int TOMBSTONE = 6;

    static final int FLAG_V6 = 1;
    static final int FLAG_SEEDER = 2;
    static final int FLAG_COMPLETED_BEFORE = 4;

    static final int TYPE_OFFSET = 0;
    static final int FLAGS_OFFSET = TYPE_OFFSET + 1;
    static final int AGE_OFFSET = FLAGS_OFFSET + 1;
    static final int HASH_OFFSET = AGE_OFFSET + 1;
    static final int HASH_BYTES = 20;
    /** Type, flags, age and hash: what every record starts with. */
    static final int HEADER_BYTES = HASH_OFFSET + HASH_BYTES;
    static final int BODY_OFFSET = HEADER_BYTES;
    static final int ADDRESS4_BYTES = 4;
    static final int ADDRESS6_BYTES = 16;
    static final int PORT_BYTES = 2;
    static final int DOWNLOADED_BYTES = 4;

    public static final int PEER4_RECORD_BYTES = HEADER_BYTES + ADDRESS4_BYTES + PORT_BYTES;
    public static final int PEER6_RECORD_BYTES = HEADER_BYTES + ADDRESS6_BYTES + PORT_BYTES;
    public static final int DOWNLOADED_RECORD_BYTES = HEADER_BYTES + DOWNLOADED_BYTES;
    public static final int MAX_RECORD_BYTES = PEER6_RECORD_BYTES;

    private SyncRecords() {
    }

    /** The record of a change a client made; returns false (writing nothing) when it does not fit. */
    public static boolean putChange(ByteBuffer out, Announce a) {
        int type = switch (a.event) {
            case STOPPED -> STOPPED;
            case COMPLETED -> COMPLETED;
            default -> ANNOUNCE;
        };
        return putPeer(out, type, a.infoHash.high, a.infoHash.middle, a.infoHash.low, a.family, a.address4,
                a.address6High, a.address6Low, a.port, a.isSeeder(), false, 0);
    }

    public static boolean putPeer(ByteBuffer out, int type, long h, long m, int l, int family, int address4,
                                  long high, long low, int port, boolean seeder, boolean completedBefore, int age) {
        boolean v6 = family == 6;
        int size = v6 ? PEER6_RECORD_BYTES : PEER4_RECORD_BYTES;
        if (out.remaining() < size) {
            return false;
        }
        int flags = (v6 ? FLAG_V6 : 0) | (seeder ? FLAG_SEEDER : 0) | (completedBefore ? FLAG_COMPLETED_BEFORE : 0);
        int at = out.position();
        putHeader(out, at, type, flags, Math.min(255, Math.max(0, age)), h, m, l);
        int portAt;
        if (v6) {
            out.putLong(at + BODY_OFFSET, high).putLong(at + BODY_OFFSET + Long.BYTES, low);
            portAt = at + BODY_OFFSET + ADDRESS6_BYTES;
        } else {
            out.putInt(at + BODY_OFFSET, address4);
            portAt = at + BODY_OFFSET + ADDRESS4_BYTES;
        }
        out.putShort(portAt, (short) port);
        out.position(at + size);
        return true;
    }

    public static boolean putDownloaded(ByteBuffer out, long h, long m, int l, int downloaded) {
        if (out.remaining() < DOWNLOADED_RECORD_BYTES) {
            return false;
        }
        int at = out.position();
        putHeader(out, at, DOWNLOADED, 0, 0, h, m, l);
        out.putInt(at + BODY_OFFSET, downloaded);
        out.position(at + DOWNLOADED_RECORD_BYTES);
        return true;
    }

    private static void putHeader(ByteBuffer out, int at, int type, int flags, int age, long h, long m, int l) {
        out.put(at + TYPE_OFFSET, (byte) type)
                .put(at + FLAGS_OFFSET, (byte) flags)
                .put(at + AGE_OFFSET, (byte) age)
                .putLong(at + HASH_OFFSET, h)
                .putLong(at + HASH_OFFSET + Long.BYTES, m)
                .putInt(at + HASH_OFFSET + 2 * Long.BYTES, l);
    }

    /** A visitor's peer as a snapshot record. */
    public static boolean putSnapshotPeer(ByteBuffer out, long h, long m, int l, int family, int address4, long high,
                                          long low, int port, int flags, int age) {
        return putPeer(out, SNAPSHOT_PEER, h, m, l, family, address4, high, low, port,
                (flags & PeerRecord.SEEDER) != 0, (flags & PeerRecord.COMPLETED) != 0, age);
    }

    /**
     * Reads one record into {@code a} (as a sync-learned announce) or, for DOWNLOADED, into
     * {@code a.infoHash} and returns the count in {@code downloaded[0]}. Returns the record type, or
     * -1 when the record is malformed or truncated (the buffer's position is then undefined).
     */
    public static int read(ByteBuffer in, Announce a, int[] downloaded) {
        int at = in.position();
        int available = in.remaining();
        if (available < HEADER_BYTES) {
            return -1;
        }
        int type = in.get(at + TYPE_OFFSET) & 0xFF;
        int flags = in.get(at + FLAGS_OFFSET) & 0xFF;
        int age = in.get(at + AGE_OFFSET) & 0xFF;
        a.clear();
        a.infoHash.set(in.getLong(at + HASH_OFFSET), in.getLong(at + HASH_OFFSET + Long.BYTES),
                in.getInt(at + HASH_OFFSET + 2 * Long.BYTES));
        if (type == DOWNLOADED) {
            if (available < DOWNLOADED_RECORD_BYTES) {
                return -1;
            }
            downloaded[0] = in.getInt(at + BODY_OFFSET);
            in.position(at + DOWNLOADED_RECORD_BYTES);
            return downloaded[0] < 0 ? -1 : type;
        }
        if (type < ANNOUNCE || type > TOMBSTONE) {
            return -1;
        }
        boolean v6 = (flags & FLAG_V6) != 0;
        int size = v6 ? PEER6_RECORD_BYTES : PEER4_RECORD_BYTES;
        if (available < size) {
            return -1;
        }
        a.family = v6 ? 6 : 4;
        int portAt;
        if (v6) {
            a.address6High = in.getLong(at + BODY_OFFSET);
            a.address6Low = in.getLong(at + BODY_OFFSET + Long.BYTES);
            portAt = at + BODY_OFFSET + ADDRESS6_BYTES;
        } else {
            a.address4 = in.getInt(at + BODY_OFFSET);
            portAt = at + BODY_OFFSET + ADDRESS4_BYTES;
        }
        a.port = in.getShort(portAt) & 0xFFFF;
        in.position(at + size);
        if (a.port == 0) {
            return -1;
        }
        a.left = (flags & FLAG_SEEDER) != 0 ? 0 : 1;
        a.fromSync = true;
        a.numwant = 0;
        a.event = switch (type) {
            case COMPLETED -> Announce.Event.COMPLETED;
            case STOPPED -> Announce.Event.STOPPED;
            default -> Announce.Event.NONE;
        };
        if (type == SNAPSHOT_PEER || type == TOMBSTONE) {
            a.ageMinutes = age;
            a.completedBefore = (flags & FLAG_COMPLETED_BEFORE) != 0;
        }
        return type;
    }
}
