package dev.kubetracker.worker.cluster;

import java.nio.ByteBuffer;

/**
 * The snapshot stream a starting worker pulls from a ready sibling over TCP on the sync port
 * (big-endian); client and server both read and write through the offsets below:
 *
 * <pre>
 * request   0 "KTSR" (4) | 4 nonce (16) | 20 Unix millis (8) | 28 MAC of the first 28 bytes (16)
 * answer    status (1): 0 = here it comes, 1 = not ready (ask another sibling)
 * frames    0 length (4) | 4 records (length bytes) | MAC of nonce, frame index (8) and records (16)
 * end       a frame of length 0, MAC'd the same way: a stream cut short is never taken as complete
 * </pre>
 *
 * Records are {@link SyncRecords}: SNAPSHOT_PEER (with each peer's age, so expiry times survive the
 * transfer) and DOWNLOADED (each torrent's download count).
 */
final class SnapshotProtocol {
    static final int REQUEST_MAGIC = 0x4B545352; // "KTSR"
    static final int NONCE_BYTES = 16;

    static final int REQUEST_MAGIC_OFFSET = 0;
    static final int REQUEST_NONCE_OFFSET = REQUEST_MAGIC_OFFSET + Integer.BYTES;
    static final int REQUEST_SENT_AT_OFFSET = REQUEST_NONCE_OFFSET + NONCE_BYTES;
    static final int REQUEST_MAC_OFFSET = REQUEST_SENT_AT_OFFSET + Long.BYTES;
    static final int REQUEST_BYTES = REQUEST_MAC_OFFSET + ClusterKey.MAC_BYTES;

    static final int STATUS_BYTES = 1;
    static final int STATUS_OK = 0;
    static final int STATUS_NOT_READY = 1;

    static final int FRAME_LENGTH_OFFSET = 0;
    static final int FRAME_RECORDS_OFFSET = FRAME_LENGTH_OFFSET + Integer.BYTES;
    /** The frame's length and MAC: what a frame adds to its records. */
    static final int FRAME_OVERHEAD_BYTES = FRAME_RECORDS_OFFSET + ClusterKey.MAC_BYTES;
    static final int MAX_FRAME_BYTES = 16 << 20;

    static final int FRAME_PREFIX_NONCE_OFFSET = 0;
    static final int FRAME_PREFIX_INDEX_OFFSET = FRAME_PREFIX_NONCE_OFFSET + NONCE_BYTES;
    static final int FRAME_PREFIX_BYTES = FRAME_PREFIX_INDEX_OFFSET + Long.BYTES;

    static final long MAX_REQUEST_AGE_MILLIS = 60_000;

    private SnapshotProtocol() {
    }

    /** Fills {@code request} ({@link #REQUEST_BYTES} long) with a signed request. */
    static void writeRequest(byte[] request, byte[] nonce, long sentAtMillis, ClusterKey.Signer signer) {
        ByteBuffer r = ByteBuffer.wrap(request);
        r.putInt(REQUEST_MAGIC_OFFSET, REQUEST_MAGIC);
        r.put(REQUEST_NONCE_OFFSET, nonce, 0, NONCE_BYTES);
        r.putLong(REQUEST_SENT_AT_OFFSET, sentAtMillis);
        signer.sign(null, request, 0, REQUEST_MAC_OFFSET, request, REQUEST_MAC_OFFSET);
    }

    /** True when the request has the magic, a valid MAC, and was sent within the accepted age of {@code nowMillis}. */
    static boolean requestAccepted(byte[] request, long nowMillis, ClusterKey.Signer signer) {
        ByteBuffer r = ByteBuffer.wrap(request);
        return r.getInt(REQUEST_MAGIC_OFFSET) == REQUEST_MAGIC
                && signer.verify(null, request, 0, REQUEST_MAC_OFFSET, request, REQUEST_MAC_OFFSET)
                && Math.abs(nowMillis - r.getLong(REQUEST_SENT_AT_OFFSET)) <= MAX_REQUEST_AGE_MILLIS;
    }

    static byte[] requestNonce(byte[] request) {
        byte[] nonce = new byte[NONCE_BYTES];
        System.arraycopy(request, REQUEST_NONCE_OFFSET, nonce, 0, NONCE_BYTES);
        return nonce;
    }

    /** nonce followed by the frame index: what each frame's MAC covers besides its records. */
    static byte[] framePrefix(byte[] nonce, long index) {
        byte[] prefix = new byte[FRAME_PREFIX_BYTES];
        ByteBuffer p = ByteBuffer.wrap(prefix);
        p.put(FRAME_PREFIX_NONCE_OFFSET, nonce, 0, NONCE_BYTES);
        p.putLong(FRAME_PREFIX_INDEX_OFFSET, index);
        return prefix;
    }

    /**
     * Completes the frame whose records fill {@code frame[FRAME_RECORDS_OFFSET, position)}: writes the
     * length, appends the MAC, and flips the buffer for writing out. The buffer must have room for the MAC.
     */
    static void sealFrame(ByteBuffer frame, byte[] nonce, long index, ClusterKey.Signer signer) {
        int macAt = frame.position();
        int length = macAt - FRAME_RECORDS_OFFSET;
        frame.putInt(FRAME_LENGTH_OFFSET, length);
        signer.sign(framePrefix(nonce, index), frame.array(), FRAME_RECORDS_OFFSET, macAt, frame.array(), macAt);
        frame.position(macAt + ClusterKey.MAC_BYTES);
        frame.flip();
    }
}
