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
 *
 * <p>Anti-entropy asks two more questions on the same channel, signed the same way; both carry the
 * asker's shard count, and a server with another count answers {@link #STATUS_SHARD_COUNT_MISMATCH}:
 * <pre>
 * digests   0 "KTSD" (4) | 4 nonce (16) | 20 Unix millis (8) | 28 shard count (4) | 32 MAC (16)
 *           answer: status, then one frame (index 0): shard count (4) | one digest (8) per shard
 * shards    0 "KTSS" (4) | 4 nonce (16) | 20 Unix millis (8) | 28 shard count (4) | 32 n (2)
 *           | 34 n shard indexes (4 each) | MAC (16); n is 1 to {@link #MAX_SHARDS_PER_REQUEST}
 *           answer: status, then n frames (index i: shard i of the list; SNAPSHOT_PEER, DOWNLOADED and
 *           TOMBSTONE records), then the end frame (index n)
 * </pre>
 */
final class SnapshotProtocol {
    static final int REQUEST_MAGIC = 0x4B545352; // "KTSR"
    static final int NONCE_BYTES = 16;

    static final int REQUEST_MAGIC_OFFSET = 0;
    static final int REQUEST_NONCE_OFFSET = REQUEST_MAGIC_OFFSET + Integer.BYTES;
    static final int REQUEST_SENT_AT_OFFSET = REQUEST_NONCE_OFFSET + NONCE_BYTES;
    static final int REQUEST_MAC_OFFSET = REQUEST_SENT_AT_OFFSET + Long.BYTES;
    static final int REQUEST_BYTES = REQUEST_MAC_OFFSET + ClusterKey.MAC_BYTES;

    static final int DIGESTS_MAGIC = 0x4B545344; // "KTSD"
    static final int SHARDS_MAGIC = 0x4B545353; // "KTSS"
    static final int HEADER_BYTES = REQUEST_MAC_OFFSET; // magic, nonce and time: what every request starts with
    static final int SHARD_COUNT_OFFSET = HEADER_BYTES;
    static final int DIGESTS_REQUEST_BYTES = SHARD_COUNT_OFFSET + Integer.BYTES + ClusterKey.MAC_BYTES;
    static final int SHARD_LIST_COUNT_OFFSET = SHARD_COUNT_OFFSET + Integer.BYTES;
    static final int SHARD_LIST_OFFSET = SHARD_LIST_COUNT_OFFSET + Short.BYTES;
    static final int MAX_SHARDS_PER_REQUEST = 256;
    static final int MAX_REQUEST_BYTES = SHARD_LIST_OFFSET + MAX_SHARDS_PER_REQUEST * Integer.BYTES
            + ClusterKey.MAC_BYTES;

    static final int STATUS_BYTES = 1;
    static final int STATUS_OK = 0;
    static final int STATUS_NOT_READY = 1;
    static final int STATUS_SHARD_COUNT_MISMATCH = 2;

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
        signRequest(request, REQUEST_MAGIC, nonce, sentAtMillis, signer);
    }

    /** A digests request (anti-entropy): {@link #DIGESTS_REQUEST_BYTES} long. */
    static byte[] digestsRequest(byte[] nonce, long sentAtMillis, int shardCount, ClusterKey.Signer signer) {
        byte[] request = new byte[DIGESTS_REQUEST_BYTES];
        ByteBuffer.wrap(request).putInt(SHARD_COUNT_OFFSET, shardCount);
        signRequest(request, DIGESTS_MAGIC, nonce, sentAtMillis, signer);
        return request;
    }

    /** A shards request (anti-entropy) for the listed shards (1 to {@link #MAX_SHARDS_PER_REQUEST}). */
    static byte[] shardsRequest(byte[] nonce, long sentAtMillis, int shardCount, int[] shards, ClusterKey.Signer signer) {
        byte[] request = new byte[shardsRequestBytes(shards.length)];
        ByteBuffer r = ByteBuffer.wrap(request);
        r.putInt(SHARD_COUNT_OFFSET, shardCount);
        r.putShort(SHARD_LIST_COUNT_OFFSET, (short) shards.length);
        for (int i = 0; i < shards.length; i++) {
            r.putInt(SHARD_LIST_OFFSET + i * Integer.BYTES, shards[i]);
        }
        signRequest(request, SHARDS_MAGIC, nonce, sentAtMillis, signer);
        return request;
    }

    static int shardsRequestBytes(int shards) {
        return SHARD_LIST_OFFSET + shards * Integer.BYTES + ClusterKey.MAC_BYTES;
    }

    private static void signRequest(byte[] request, int magic, byte[] nonce, long sentAtMillis,
                                    ClusterKey.Signer signer) {
        ByteBuffer r = ByteBuffer.wrap(request);
        r.putInt(REQUEST_MAGIC_OFFSET, magic);
        r.put(REQUEST_NONCE_OFFSET, nonce, 0, NONCE_BYTES);
        r.putLong(REQUEST_SENT_AT_OFFSET, sentAtMillis);
        int macAt = request.length - ClusterKey.MAC_BYTES;
        signer.sign(null, request, 0, macAt, request, macAt);
    }

    /**
     * How long the request that starts with {@code received} bytes of {@code request} is, as far as those
     * tell (at least {@link #HEADER_BYTES}); -1 for an unknown magic or a shard list out of bounds.
     */
    static int requestLength(byte[] request, int received) {
        if (received < HEADER_BYTES) {
            return HEADER_BYTES;
        }
        ByteBuffer r = ByteBuffer.wrap(request);
        return switch (r.getInt(REQUEST_MAGIC_OFFSET)) {
            case REQUEST_MAGIC -> REQUEST_BYTES;
            case DIGESTS_MAGIC -> DIGESTS_REQUEST_BYTES;
            case SHARDS_MAGIC -> {
                if (received < SHARD_LIST_OFFSET) {
                    yield SHARD_LIST_OFFSET;
                }
                int n = r.getShort(SHARD_LIST_COUNT_OFFSET) & 0xFFFF;
                yield n < 1 || n > MAX_SHARDS_PER_REQUEST ? -1 : shardsRequestBytes(n);
            }
            default -> -1;
        };
    }

    /** True when the request has the magic, a valid MAC, and was sent within the accepted age of {@code nowMillis}. */
    static boolean requestAccepted(byte[] request, long nowMillis, ClusterKey.Signer signer) {
        return requestAccepted(request, REQUEST_BYTES, nowMillis, signer);
    }

    /** The same for a request of any kind, {@code length} bytes long (as {@link #requestLength} says). */
    static boolean requestAccepted(byte[] request, int length, long nowMillis, ClusterKey.Signer signer) {
        ByteBuffer r = ByteBuffer.wrap(request);
        int macAt = length - ClusterKey.MAC_BYTES;
        return length >= REQUEST_BYTES && requestLength(request, length) == length
                && signer.verify(null, request, 0, macAt, request, macAt)
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
