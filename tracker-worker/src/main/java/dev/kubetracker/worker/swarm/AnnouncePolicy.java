package dev.kubetracker.worker.swarm;

import java.util.concurrent.ThreadLocalRandom;

/** What every reply tells clients about pacing and how many peers they get. */
public record AnnouncePolicy(int intervalSeconds, int minIntervalSeconds, int numwantDefault, int numwantMax) {

    public AnnouncePolicy {
        if (intervalSeconds < 1 || minIntervalSeconds < 0 || minIntervalSeconds > intervalSeconds) {
            throw new IllegalArgumentException("need 0 <= min interval <= interval, interval >= 1s");
        }
        if (numwantDefault < 0 || numwantMax < 1 || numwantDefault > numwantMax) {
            throw new IllegalArgumentException("need 0 <= numwant default <= numwant max, max >= 1");
        }
    }

    /**
     * The interval with a random spread of a tenth either way (as opentracker: 1800 s gives 1620 to
     * 1979 s), so clients that started together do not keep announcing together.
     */
    public int randomizedInterval() {
        int spread = intervalSeconds / 5;
        return intervalSeconds - spread / 2 + (spread > 0 ? ThreadLocalRandom.current().nextInt(spread) : 0);
    }

    /** Peers to hand out: the default for a negative request, never more than {@code cap}. */
    public int numwant(long requested, int cap) {
        long n = requested < 0 ? numwantDefault : requested;
        return (int) Math.min(n, Math.min(numwantMax, cap));
    }
}
