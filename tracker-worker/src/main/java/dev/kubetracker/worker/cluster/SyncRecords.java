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
 * flags: 1 V6, 2 SEEDER, 4 COMPLETED_BEFORE (snapshot peers whose download the count already holds)
 * </pre>
 *
 * An IPv4 peer takes 29 bytes, an IPv6 peer 41.
 */
public final class SyncRecords {
    public static final int ANNOUNCE = 1;
    public static final int COMPLETED = 2;
    public static final int STOPPED = 3;
    public static final int SNAPSHOT_PEER = 4;
    public static final int DOWNLOADED = 5;

    static final int FLAG_V6 = 1;
    static final int FLAG_SEEDER = 2;
    static final int FLAG_COMPLETED_BEFORE = 4;

    public static final int MAX_RECORD_BYTES = 3 + 20 + 16 + 2;

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
        if (out.remaining() < 23 + (v6 ? 16 : 4) + 2) {
            return false;
        }
        int flags = (v6 ? FLAG_V6 : 0) | (seeder ? FLAG_SEEDER : 0) | (completedBefore ? FLAG_COMPLETED_BEFORE : 0);
        out.put((byte) type).put((byte) flags).put((byte) Math.min(255, Math.max(0, age)));
        out.putLong(h).putLong(m).putInt(l);
        if (v6) {
            out.putLong(high).putLong(low);
        } else {
            out.putInt(address4);
        }
        out.putShort((short) port);
        return true;
    }

    public static boolean putDownloaded(ByteBuffer out, long h, long m, int l, int downloaded) {
        if (out.remaining() < 27) {
            return false;
        }
        out.put((byte) DOWNLOADED).put((byte) 0).put((byte) 0).putLong(h).putLong(m).putInt(l).putInt(downloaded);
        return true;
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
        if (in.remaining() < 23) {
            return -1;
        }
        int type = in.get() & 0xFF;
        int flags = in.get() & 0xFF;
        int age = in.get() & 0xFF;
        a.clear();
        a.infoHash.set(in.getLong(), in.getLong(), in.getInt());
        if (type == DOWNLOADED) {
            if (in.remaining() < 4) {
                return -1;
            }
            downloaded[0] = in.getInt();
            return downloaded[0] < 0 ? -1 : type;
        }
        if (type < ANNOUNCE || type > SNAPSHOT_PEER) {
            return -1;
        }
        boolean v6 = (flags & FLAG_V6) != 0;
        if (in.remaining() < (v6 ? 18 : 6)) {
            return -1;
        }
        a.family = v6 ? 6 : 4;
        if (v6) {
            a.address6High = in.getLong();
            a.address6Low = in.getLong();
        } else {
            a.address4 = in.getInt();
        }
        a.port = in.getShort() & 0xFFFF;
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
        if (type == SNAPSHOT_PEER) {
            a.ageMinutes = age;
            a.completedBefore = (flags & FLAG_COMPLETED_BEFORE) != 0;
        }
        return type;
    }
}
