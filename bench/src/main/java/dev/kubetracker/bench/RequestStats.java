package dev.kubetracker.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Outcomes and latencies of one kind of request (connect, announce, scrape) during the measured window. */
public final class RequestStats {
    private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String kind;
    private final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
    private long ok;
    private long errorReplies;
    private long invalid;
    private long timeouts;

    public RequestStats(String kind) {
        this.kind = kind;
    }

    /** Counts one reply by its verdict (the latency matters only for a good one). */
    public void record(UdpCodec.Verdict verdict, long latencyNanos) {
        switch (verdict) {
            case OK -> ok(latencyNanos);
            case ERROR_REPLY -> errorReply();
            default -> invalid();
        }
    }

    public void ok(long latencyNanos) {
        ok++;
        latency.recordValue(Math.min(Math.max(latencyNanos, 0), MAX_LATENCY_NANOS));
    }

    /** A well-formed error reply (BEP 15 action 3, or a bencoded failure reason). */
    public void errorReply() {
        errorReplies++;
    }

    public void invalid() {
        invalid++;
    }

    public void timeout() {
        timeouts++;
    }

    public void reset() {
        latency.reset();
        ok = errorReplies = invalid = timeouts = 0;
    }

    public long completed() {
        return ok;
    }

    public Summary summary(double seconds) {
        return new Summary(kind, ok, errorReplies, invalid, timeouts, seconds > 0 ? ok / seconds : 0,
                micros(50), micros(99), micros(99.9));
    }

    private double micros(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    /** What one kind of request did in a run: successful replies per second and their latency in µs. */
    public record Summary(String kind, long ok, long errorReplies, long invalid, long timeouts, double rate,
                          double p50Micros, double p99Micros, double p999Micros) {
        public long failures() {
            return errorReplies + invalid + timeouts;
        }
    }
}
