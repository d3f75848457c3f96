package dev.kubetracker.worker.swarm;

/** A sibling's copy of one store shard, replayed record by record into a merge (anti-entropy). */
@FunctionalInterface
public interface PulledShard {
    /** Feeds every record to {@code merge}; runs under the shard's lock, so it must only parse. */
    void replayInto(SwarmStore.ShardMerge merge);
}
