package dev.kubetracker.worker.cluster;

import java.nio.ByteBuffer;

/**
 * Layout of a live sync datagram (big-endian), at most {@link #MAX_BYTES}; the encoder here and the
 * accessors the receiver reads with use the same offsets:
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

    public static final int MAGIC_OFFSET = 0;
    public static final int SENDER_ID_OFFSET = MAGIC_OFFSET + Integer.BYTES;
    public static final int SENT_AT_OFFSET = SENDER_ID_OFFSET + Long.BYTES;
    public static final int SEQUENCE_OFFSET = SENT_AT_OFFSET + Long.BYTES;
    public static final int RECORD_COUNT_OFFSET = SEQUENCE_OFFSET + Long.BYTES;
    public static final int HEADER_BYTES = RECORD_COUNT_OFFSET + Short.BYTES;

    public static final int MAX_BYTES = 1400;
    public static final int MAX_RECORD_BYTES = MAX_BYTES - HEADER_BYTES - ClusterKey.MAC_BYTES;
    public static final int MIN_BYTES = HEADER_BYTES + ClusterKey.MAC_BYTES;

    private SyncDatagram() {
    }

    /** Writes header, records and MAC into {@code out} (cleared first), ready to send. */
    public static void encode(ByteBuffer out, long senderId, long sentAtMillis, long sequence, ByteBuffer records,
                              int recordCount, ClusterKey.Signer signer) {
        out.clear();
        out.putInt(MAGIC_OFFSET, MAGIC)
                .putLong(SENDER_ID_OFFSET, senderId)
                .putLong(SENT_AT_OFFSET, sentAtMillis)
                .putLong(SEQUENCE_OFFSET, sequence)
                .putShort(RECORD_COUNT_OFFSET, (short) recordCount);
        out.position(HEADER_BYTES);
        out.put(records.duplicate().flip());
        int macAt = out.position();
        signer.sign(null, out.array(), 0, macAt, out.array(), macAt);
        out.position(macAt + ClusterKey.MAC_BYTES);
        out.flip();
    }

    // Accessors over a received datagram, at absolute offsets from index 0 of its buffer.

    static int magic(ByteBuffer datagram) {
        return datagram.getInt(MAGIC_OFFSET);
    }

    static long senderId(ByteBuffer datagram) {
        return datagram.getLong(SENDER_ID_OFFSET);
    }

    static long sentAt(ByteBuffer datagram) {
        return datagram.getLong(SENT_AT_OFFSET);
    }

    static long sequence(ByteBuffer datagram) {
        return datagram.getLong(SEQUENCE_OFFSET);
    }

    static int recordCount(ByteBuffer datagram) {
        return datagram.getShort(RECORD_COUNT_OFFSET) & 0xFFFF;
    }

    /** Where the MAC starts in a datagram of {@code length} bytes. */
    static int macOffset(int length) {
        return length - ClusterKey.MAC_BYTES;
    }
}
