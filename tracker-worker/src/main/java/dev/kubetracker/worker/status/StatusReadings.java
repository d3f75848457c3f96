package dev.kubetracker.worker.status;

import dev.kubetracker.worker.cluster.Cluster;
import dev.kubetracker.worker.cluster.SyncStats;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.util.Arrays;

/**
 * The numbers the status page shows, read from the same counters as {@code /q/metrics}: counters (the
 * page turns them into rates) and gauges, one column each, in {@link Column} order.
 */
public final class StatusReadings {
    /** A column of the status page's data; {@code key} is its name in the JSON. */
    public enum Column {
        TIME("time"), HTTP_ANNOUNCES("http_announces"), UDP_ANNOUNCES("udp_announces"), REFUSALS("refusals"),
        TORRENTS("torrents"), SEEDERS("seeders"), LEECHERS("leechers"), SIBLINGS("siblings"),
        SYNC_RECEIVED("sync_records_received"), SYNC_SENT("sync_records_sent"), SYNC_LOST("sync_lost"),
        SYNC_DROPPED("sync_dropped");

        public final String key;

        Column(String key) {
            this.key = key;
        }
    }

    public static final int COLUMNS = Column.values().length;
    /** The sibling count of a worker without a cluster. */
    public static final long STANDALONE = -1;

    private final RequestCounters counters;
    private final SwarmStore store;
    private final Cluster cluster;

    /** @param cluster null for a standalone worker */
    public StatusReadings(RequestCounters counters, SwarmStore store, Cluster cluster) {
        this.counters = counters;
        this.store = store;
        this.cluster = cluster;
    }

    /** Fills {@code row} (at least {@link #COLUMNS} long) with the numbers as of now. */
    public void read(long[] row) {
        row[Column.TIME.ordinal()] = System.currentTimeMillis();
        row[Column.HTTP_ANNOUNCES.ordinal()] = counters.announces(Protocol.HTTP);
        row[Column.UDP_ANNOUNCES.ordinal()] = counters.announces(Protocol.UDP);
        row[Column.REFUSALS.ordinal()] = counters.errors(Protocol.HTTP) + counters.errors(Protocol.UDP);
        row[Column.TORRENTS.ordinal()] = store.torrents();
        row[Column.SEEDERS.ordinal()] = store.seeders();
        row[Column.LEECHERS.ordinal()] = store.leechers();
        if (cluster == null) {
            row[Column.SIBLINGS.ordinal()] = STANDALONE;
            Arrays.fill(row, Column.SYNC_RECEIVED.ordinal(), Column.SYNC_DROPPED.ordinal() + 1, 0);
            return;
        }
        SyncStats s = cluster.stats();
        long dropped = 0;
        for (SyncStats.Drop reason : SyncStats.Drop.values()) {
            dropped += s.drops(reason);
        }
        row[Column.SIBLINGS.ordinal()] = cluster.membership().siblings().size();
        row[Column.SYNC_RECEIVED.ordinal()] = s.recordsReceived();
        row[Column.SYNC_SENT.ordinal()] = s.recordsSent();
        row[Column.SYNC_LOST.ordinal()] = s.datagramsLost();
        row[Column.SYNC_DROPPED.ordinal()] = dropped;
    }
}
