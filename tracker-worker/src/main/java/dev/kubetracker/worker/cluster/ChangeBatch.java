package dev.kubetracker.worker.cluster;

import java.nio.ByteBuffer;

/** Encoded change records that fill one sync datagram; recycled between frontends and the sender. */
final class ChangeBatch {
    final ByteBuffer records = ByteBuffer.allocate(SyncDatagram.MAX_RECORD_BYTES);
    int count;

    void clear() {
        records.clear();
        count = 0;
    }
}
