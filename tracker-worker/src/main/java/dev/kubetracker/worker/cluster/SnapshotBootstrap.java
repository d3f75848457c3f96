package dev.kubetracker.worker.cluster;

import dev.kubetracker.worker.swarm.SwarmStore;
import java.net.InetSocketAddress;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A starting worker's snapshot: asks the siblings in turn until one gives a whole snapshot. A sibling
 * that is not ready, or whose transfer fails, is skipped for the next one.
 *
 * <p>A failed transfer keeps what it applied. Every frame applied had a valid MAC under the cluster key
 * and a fresh nonce, so its records are a sibling's real state; they are idempotent (a peer announced
 * again, a download count merged by maximum), so the next sibling's snapshot merges on top without
 * double counting, and peers that are gone by now expire as usual. Rolling back would need a second
 * store for the length of the transfer, and buy nothing sync does not fix within seconds.
 */
final class SnapshotBootstrap {
    private static final Logger LOG = Logger.getLogger(SnapshotBootstrap.class);

    private final ClusterKey key;
    private final SwarmStore store;
    private final SyncStats stats;
    private final long timeoutMillis;
    private final long maxBytes;

    SnapshotBootstrap(ClusterKey key, SwarmStore store, SyncStats stats, long timeoutMillis, long maxBytes) {
        this.key = key;
        this.store = store;
        this.stats = stats;
        this.timeoutMillis = timeoutMillis;
        this.maxBytes = maxBytes;
    }

    /** Loads from the first sibling that gives a whole snapshot; returns it, or null when none did. */
    InetSocketAddress loadFromFirstReady(List<InetSocketAddress> siblings) {
        for (InetSocketAddress sibling : siblings) {
            long started = System.nanoTime();
            SnapshotClient.Result result = SnapshotClient.fetch(sibling, key, store, timeoutMillis, maxBytes);
            long millis = (System.nanoTime() - started) / 1_000_000;
            stats.recordsRefused(SyncStats.Source.SNAPSHOT).add(result.refused());
            if (result.refused() > 0) {
                LOG.warnf("snapshot from %s: %d records found no room in the store (tracker.store-budget)", sibling,
                        result.refused());
            }
            switch (result.outcome()) {
                case LOADED -> {
                    stats.lastSnapshotMillis = millis;
                    stats.snapshotsLoaded.increment();
                    LOG.infof("snapshot from %s: %d records, %d bytes, %d ms", sibling, result.records(),
                            result.bytes(), millis);
                    return sibling;
                }
                case NOT_READY -> {
                    stats.snapshotsNotReady.increment();
                    LOG.infof("sibling %s is not ready yet", sibling);
                }
                case FAILED -> {
                    stats.snapshotFailures.increment();
                    LOG.infof("no whole snapshot from %s (%d records kept): %s", sibling, result.records(),
                            result.detail());
                }
            }
        }
        return null;
    }
}
