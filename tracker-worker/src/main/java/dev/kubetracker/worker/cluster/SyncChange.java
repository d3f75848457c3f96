package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.swarm.Announce;
import java.nio.ByteBuffer;

/** One accepted client change on its way to the sync sender; pooled and reused, never allocated per request. */
final class SyncChange {
    private int type;
    private long hashHigh;
    private long hashMiddle;
    private int hashLow;
    private int family;
    private int address4;
    private long address6High;
    private long address6Low;
    private int port;
    private boolean seeder;

    void set(Announce a) {
        type = switch (a.event) {
            case STOPPED -> SyncRecords.STOPPED;
            case COMPLETED -> SyncRecords.COMPLETED;
            default -> SyncRecords.ANNOUNCE;
        };
        hashHigh = a.infoHash.high;
        hashMiddle = a.infoHash.middle;
        hashLow = a.infoHash.low;
        family = a.family;
        address4 = a.address4;
        address6High = a.address6High;
        address6Low = a.address6Low;
        port = a.port;
        seeder = a.isSeeder();
    }

    /** Appends the change as a record; false (writing nothing) when it does not fit. */
    boolean writeTo(ByteBuffer records) {
        return SyncRecords.putPeer(records, type, hashHigh, hashMiddle, hashLow, family, address4, address6High,
                address6Low, port, seeder, false, 0);
    }
}
