package dev.kubetracker.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Announce error replies by what the tracker said: its store is full, the client is over a rate limit, or
 * something else (most likely an expired connection id); with when each kind was first seen.
 */
public final class Refusals {
    /** What an error reply said. */
    public enum Kind { TRACKER_FULL, RATE_LIMITED, OTHER }

    private static final int MESSAGE_OFFSET = 8;
    private static final byte[] TRACKER_FULL = "tracker full".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RATE_LIMITED = "rate limited".getBytes(StandardCharsets.US_ASCII);

    private final long[] counts = new long[Kind.values().length];
    private final long[] firstAtNanos = new long[Kind.values().length];

    /** The kind of a BEP 15 error reply (action 3, transaction id, message). */
    public static Kind kindOf(ByteBuffer errorReply) {
        if (startsWith(errorReply, TRACKER_FULL)) {
            return Kind.TRACKER_FULL;
        }
        return startsWith(errorReply, RATE_LIMITED) ? Kind.RATE_LIMITED : Kind.OTHER;
    }

    private static boolean startsWith(ByteBuffer reply, byte[] prefix) {
        if (reply.limit() < MESSAGE_OFFSET + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (reply.get(MESSAGE_OFFSET + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    public void record(Kind kind, long nowNanos) {
        if (counts[kind.ordinal()]++ == 0) {
            firstAtNanos[kind.ordinal()] = nowNanos;
        }
    }

    public long count(Kind kind) {
        return counts[kind.ordinal()];
    }

    /** {@link System#nanoTime()} of the first refusal of this kind; meaningful only when its count is above 0. */
    public long firstAtNanos(Kind kind) {
        return firstAtNanos[kind.ordinal()];
    }

    public void reset() {
        Arrays.fill(counts, 0);
    }
}
