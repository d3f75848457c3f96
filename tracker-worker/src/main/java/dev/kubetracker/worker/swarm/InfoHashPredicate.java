package dev.kubetracker.worker.swarm;

/** A test on an info hash given as its three primitive parts. */
@FunctionalInterface
public interface InfoHashPredicate {
    boolean test(long high, long middle, int low);
}
