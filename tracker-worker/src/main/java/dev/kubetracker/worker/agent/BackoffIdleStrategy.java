package dev.kubetracker.worker.agent;

import java.util.concurrent.locks.LockSupport;

/**
 * Idles by spinning, then yielding, then parking for doubling times up to a cap: a busy agent reacts
 * at once, an idle one costs next to no CPU and wakes within the cap. One per runner (it has state).
 */
public final class BackoffIdleStrategy implements IdleStrategy {
    private final int maxSpins;
    private final int maxYields;
    private final long minParkNanos;
    private final long maxParkNanos;
    private int spins;
    private int yields;
    private long parkNanos;

    public BackoffIdleStrategy(int maxSpins, int maxYields, long minParkNanos, long maxParkNanos) {
        if (minParkNanos < 1 || maxParkNanos < minParkNanos) {
            throw new IllegalArgumentException("park times must satisfy 1 <= min <= max");
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        reset();
    }

    /** The cluster's default: a few spins and yields, then parks of 10 µs growing to 1 ms. */
    public static BackoffIdleStrategy standard() {
        return new BackoffIdleStrategy(20, 10, 10_000, 1_000_000);
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
        } else if (yields < maxYields) {
            yields++;
            Thread.yield();
        } else {
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(parkNanos * 2, maxParkNanos);
        }
    }

    private void reset() {
        spins = 0;
        yields = 0;
        parkNanos = minParkNanos;
    }

    /** The next park time (for tests): grows while idle, back to the minimum after work. */
    long nextParkNanos() {
        return parkNanos;
    }
}
