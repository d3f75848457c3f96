package dev.kubetracker.worker.cluster;

import java.nio.ByteBuffer;

/**
 * Layout of a live sync datagram (big-endian), at most {@link #MAX_BYTES}:
 *
 * <pre>
 *  0  magic "KTS1"            (4)
 *  4  sender id               (8)  random per worker process
 * 12  sent at, Unix millis     (8)
 * 20  sequence number         (8)  per sender, from 1, +1 per datagram
 * 28  record count            (2)
 * 30  records                      {@link SyncRecords}
 * end MAC                     (16) HMAC-SHA256 of everything before it, with the cluster key, truncated
 * </pre>
 */
public final class SyncDatagram {
    public static final int MAGIC = 0x4B545331; // "KTS1"
    public static final int HEADER_BYTES = 30;
    public static final int MAX_BYTES = 1400;
    public static final int MAX_RECORD_BYTES = MAX_BYTES - HEADER_BYTES - ClusterKey.MAC_BYTES;
    public static final int MIN_BYTES = HEADER_BYTES + ClusterKey.MAC_BYTES;

    private SyncDatagram() {
    }

    /** Writes header, records and MAC into {@code out} (cleared first), ready to send. */
    public static void encode(ByteBuffer out, long senderId, long sentAtMillis, long sequence, ByteBuffer records,
                              int recordCount, ClusterKey.Signer signer) {
        out.clear();
        out.putInt(MAGIC).putLong(senderId).putLong(sentAtMillis).putLong(sequence).putShort((short) recordCount);
        out.put(records.duplicate().flip());
        int end = out.position();
        signer.sign(null, out.array(), 0, end, out.array(), end);
        out.position(end + ClusterKey.MAC_BYTES);
        out.flip();
    }
}
