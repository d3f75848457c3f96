package dev.kubetracker.worker.cluster;

/**
 * The snapshot stream a starting worker pulls from a ready sibling over TCP on the sync port:
 *
 * <pre>
 * request   "KTSR" (4) | nonce (16) | Unix millis (8) | MAC of the first 28 bytes (16)
 * answer    status (1): 0 = here it comes, 1 = not ready (ask another sibling)
 * frames    length (4) | records (length bytes) | MAC of nonce, frame index (8) and records (16)
 * end       a frame of length 0, MAC'd the same way: a stream cut short is never taken as complete
 * </pre>
 *
 * Records are {@link SyncRecords}: SNAPSHOT_PEER (with each peer's age, so expiry times survive the
 * transfer) and DOWNLOADED (each torrent's download count).
 */
final class SnapshotProtocol {
    static final int REQUEST_MAGIC = 0x4B545352; // "KTSR"
    static final int REQUEST_BYTES = 4 + 16 + 8 + ClusterKey.MAC_BYTES;
    static final int STATUS_OK = 0;
    static final int STATUS_NOT_READY = 1;
    static final int MAX_FRAME_BYTES = 16 << 20;
    static final long MAX_REQUEST_AGE_MILLIS = 60_000;

    private SnapshotProtocol() {
    }

    /** nonce followed by the frame index: what each frame's MAC covers besides its records. */
    static byte[] framePrefix(byte[] nonce, long index) {
        byte[] prefix = new byte[24];
        System.arraycopy(nonce, 0, prefix, 0, 16);
        for (int i = 0; i < 8; i++) {
            prefix[16 + i] = (byte) (index >>> (56 - 8 * i));
        }
        return prefix;
    }
}
