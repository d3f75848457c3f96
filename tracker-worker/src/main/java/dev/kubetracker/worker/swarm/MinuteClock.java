package dev.kubetracker.worker.swarm;

/** Wall-clock minutes since the epoch: the resolution at which peers age and expire. */
@FunctionalInterface
public interface MinuteClock {
    MinuteClock SYSTEM = () -> (int) (System.currentTimeMillis() / 60_000L);

    int nowMinute();
}
