package dev.kubetracker.worker.cluster;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the cluster sync, read by the metrics. */
public final class SyncStats {
    /** Why a received datagram was dropped. */
    public enum Drop {
        TRUNCATED, BAD_MAGIC, BAD_MAC, STALE, REPLAYED, OWN, MALFORMED_RECORD;

        public String tag() {
            return name().toLowerCase();
        }
    }

    /** Where records that found no room in the store came from. */
    public enum Source {
        SYNC, SNAPSHOT, ANTI_ENTROPY;

        public String tag() {
            return name().toLowerCase();
        }
    }

    /** How an anti-entropy round with one sibling ended. */
    public enum Round {
        /** Every shard digest matched (or the ones that differed matched a moment later). */
        IN_SYNC,
        /** Shards differed twice, and were pulled and merged. */
        REPAIRED,
        /** The sibling was down, slow, not ready, or sent something that did not verify. */
        FAILED,
        /** The sibling has another shard count: the digests cannot be compared. */
        REFUSED;

        public String tag() {
            return name().toLowerCase();
        }
    }

    private final LongAdder[] recordsRefused = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder[] rounds = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    final LongAdder shardsPulled = new LongAdder();
    final LongAdder peersAddedByRepair = new LongAdder();
    final LongAdder peersRemovedByRepair = new LongAdder();
    final LongAdder antiEntropyBytesSent = new LongAdder();
    final LongAdder antiEntropyBytesReceived = new LongAdder();
    final LongAdder datagramsSent = new LongAdder();
    final LongAdder recordsSent = new LongAdder();
    final LongAdder sendErrors = new LongAdder();
    final LongAdder datagramsReceived = new LongAdder();
    final LongAdder recordsReceived = new LongAdder();
    /** Datagrams from siblings that never arrived, by their sequence numbers ({@link ReplayGuard}). */
    final LongAdder datagramsLost = new LongAdder();
    final LongAdder[] drops = new LongAdder[Drop.values().length];
    final LongAdder snapshotsServed = new LongAdder();
    final LongAdder snapshotsLoaded = new LongAdder();
    final LongAdder snapshotFailures = new LongAdder();
    final LongAdder snapshotsNotReady = new LongAdder();
    final LongAdder snapshotRequestsRefused = new LongAdder();
    final LongAdder snapshotsStalled = new LongAdder();
    volatile long lastSnapshotMillis = -1;

    SyncStats() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    void drop(Drop reason) {
        drops[reason.ordinal()].increment();
    }

    public long drops(Drop reason) {
        return drops[reason.ordinal()].sum();
    }

    LongAdder recordsRefused(Source source) {
        return recordsRefused[source.ordinal()];
    }

    /** Records from siblings the store had no room for (its budget): counted, never applied. */
    public long recordsRefusedFor(Source source) {
        return recordsRefused[source.ordinal()].sum();
    }

    void round(Round outcome) {
        rounds[outcome.ordinal()].increment();
    }

    /** Anti-entropy rounds that ended so. */
    public long rounds(Round outcome) {
        return rounds[outcome.ordinal()].sum();
    }

    /** Shards pulled from siblings and merged by anti-entropy. */
    public long shardsPulled() {
        return shardsPulled.sum();
    }

    public long peersAddedByRepair() {
        return peersAddedByRepair.sum();
    }

    public long peersRemovedByRepair() {
        return peersRemovedByRepair.sum();
    }

    /** Bytes of anti-entropy: requests and answers, counted where they are written or read. */
    public long antiEntropyBytesSent() {
        return antiEntropyBytesSent.sum();
    }

    public long antiEntropyBytesReceived() {
        return antiEntropyBytesReceived.sum();
    }

    public long datagramsSent() {
        return datagramsSent.sum();
    }

    public long recordsSent() {
        return recordsSent.sum();
    }

    public long sendErrors() {
        return sendErrors.sum();
    }

    public long datagramsReceived() {
        return datagramsReceived.sum();
    }

    public long recordsReceived() {
        return recordsReceived.sum();
    }

    /** Sync datagrams lost on the way here: sequence numbers that left the replay window unseen. */
    public long datagramsLost() {
        return datagramsLost.sum();
    }

    public long snapshotsServed() {
        return snapshotsServed.sum();
    }

    public long snapshotsLoaded() {
        return snapshotsLoaded.sum();
    }

    public long snapshotFailures() {
        return snapshotFailures.sum();
    }

    /** Siblings that answered a snapshot request with "not ready". */
    public long snapshotsNotReady() {
        return snapshotsNotReady.sum();
    }

    /** Snapshot requests refused: bad magic or MAC, or older than the accepted age. */
    public long snapshotRequestsRefused() {
        return snapshotRequestsRefused.sum();
    }

    /** Snapshot transfers closed because the client made no progress (sent nothing, stopped reading). */
    public long snapshotsStalled() {
        return snapshotsStalled.sum();
    }

    /** Duration of the start-up snapshot in milliseconds, -1 when none was loaded. */
    public long lastSnapshotMillis() {
        return lastSnapshotMillis;
    }
}
