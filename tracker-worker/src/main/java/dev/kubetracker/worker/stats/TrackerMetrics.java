package dev.kubetracker.worker.stats;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.access.AccessListReloader;
import dev.kubetracker.worker.cluster.Cluster;
import dev.kubetracker.worker.cluster.SyncStats;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.SwarmStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Publishes the worker's counters and store sizes to Micrometer (Prometheus at {@code /q/metrics}).
 * Meters read the frontends' adders when scraped, so the request path never touches Micrometer.
 */
public final class TrackerMetrics {
    private TrackerMetrics() {
    }

    public static void bind(MeterRegistry registry, RequestCounters c, SwarmStore store) {
        for (Protocol p : Protocol.values()) {
            for (int family : new int[] {4, 6}) {
                String f = "ipv" + family;
                for (Announce.Event e : Announce.Event.values()) {
                    FunctionCounter.builder("tracker.announces", c, x -> x.announces(p, family, e))
                            .description("Announces answered")
                            .tags("protocol", p.tag(), "family", f, "event", e.name().toLowerCase())
                            .register(registry);
                }
                FunctionCounter.builder("tracker.scrapes", c, x -> x.scrapes(p, family))
                        .description("Scrapes of named torrents answered")
                        .tags("protocol", p.tag(), "family", f).register(registry);
            }
            for (ErrorReason r : ErrorReason.values()) {
                FunctionCounter.builder("tracker.errors", c, x -> x.errors(p, r))
                        .description("Requests refused or dropped, by reason")
                        .tags("protocol", p.tag(), "reason", r.tag()).register(registry);
            }
        }
        for (int family : new int[] {4, 6}) {
            FunctionCounter.builder("tracker.udp.connects", c, x -> x.connects(family))
                    .description("UDP connect requests answered").tags("family", "ipv" + family).register(registry);
        }
        for (boolean gzip : new boolean[] {false, true}) {
            FunctionCounter.builder("tracker.full.scrapes", c, x -> x.fullScrapes(gzip))
                    .description("Full scrapes served").tags("encoding", gzip ? "gzip" : "identity").register(registry);
        }
        FunctionCounter.builder("tracker.udp.datagrams", c, RequestCounters::udpPackets)
                .description("UDP datagrams received, valid or not").register(registry);
        FunctionCounter.builder("tracker.http.connections", c, RequestCounters::tcpAccepts)
                .description("HTTP connections accepted").register(registry);
        Gauge.builder("tracker.torrents", store, SwarmStore::torrents)
                .description("Torrents held: with peers, or peerless but keeping their download count").register(registry);
        Gauge.builder("tracker.peers", store, SwarmStore::seeders)
                .description("Peers by role").tag("role", "seeder").register(registry);
        Gauge.builder("tracker.peers", store, SwarmStore::leechers)
                .description("Peers by role").tag("role", "leecher").register(registry);
        Gauge.builder("tracker.store", store, SwarmStore::bytes).baseUnit("bytes")
                .description("Heap the swarm store holds by its own account: tables, torrents, peer arrays")
                .register(registry);
        Gauge.builder("tracker.store.budget", store,
                        s -> s.budgetBytes() == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : s.budgetBytes())
                .baseUnit("bytes").description("The store's budget: past it, new torrents and peers are refused")
                .register(registry);
        FunctionCounter.builder("tracker.downloads.completed", store, SwarmStore::completed)
                .description("Completed downloads counted (once per peer)").register(registry);
    }

    /** What {@code /q/health/ready} says, as a gauge, so that an alert sees a worker stuck not ready. */
    public static void bindReadiness(MeterRegistry registry, BooleanSupplier serving) {
        // Held strongly: nothing else holds the supplier, and a gauge's weak reference would let the first
        // full collection turn it into NaN.
        Gauge.builder("tracker.ready", serving, s -> s.getAsBoolean() ? 1 : 0)
                .description("1 when the worker is ready (client ports listen, snapshot loaded), else 0")
                .strongReference(true).register(registry);
    }

    public static void bindCluster(MeterRegistry registry, Cluster cluster) {
        SyncStats s = cluster.stats();
        Gauge.builder("tracker.cluster.siblings", cluster, c -> c.membership().siblings().size())
                .description("Sibling workers known").register(registry);
        Gauge.builder("tracker.cluster.queue.depth", cluster, Cluster::outboxDepth)
                .description("Change batches waiting for the sync sender").register(registry);
        FunctionCounter.builder("tracker.cluster.changes.dropped", cluster, Cluster::droppedChanges)
                .description("Changes not synced because the sync queue was full").register(registry);
        FunctionCounter.builder("tracker.cluster.datagrams", s, SyncStats::datagramsSent)
                .description("Sync datagrams").tag("direction", "sent").register(registry);
        FunctionCounter.builder("tracker.cluster.datagrams", s, SyncStats::datagramsReceived)
                .description("Sync datagrams").tag("direction", "received").register(registry);
        FunctionCounter.builder("tracker.cluster.records", s, SyncStats::recordsSent)
                .description("Sync records").tag("direction", "sent").register(registry);
        FunctionCounter.builder("tracker.cluster.records", s, SyncStats::recordsReceived)
                .description("Sync records").tag("direction", "received").register(registry);
        FunctionCounter.builder("tracker.cluster.send.errors", s, SyncStats::sendErrors)
                .description("Sync datagrams the socket refused to send").register(registry);
        FunctionCounter.builder("tracker.cluster.lost", s, SyncStats::datagramsLost)
                .description("Sync datagrams lost on the way: sequence numbers that left the replay window unseen")
                .register(registry);
        for (SyncStats.Drop reason : SyncStats.Drop.values()) {
            FunctionCounter.builder("tracker.cluster.dropped", s, x -> x.drops(reason))
                    .description("Received sync datagrams dropped, by reason").tag("reason", reason.tag())
                    .register(registry);
        }
        FunctionCounter.builder("tracker.cluster.snapshots", s, SyncStats::snapshotsServed)
                .description("Snapshot transfers").tag("outcome", "served").register(registry);
        FunctionCounter.builder("tracker.cluster.snapshots", s, SyncStats::snapshotsLoaded)
                .description("Snapshot transfers").tag("outcome", "loaded").register(registry);
        FunctionCounter.builder("tracker.cluster.snapshots", s, SyncStats::snapshotFailures)
                .description("Snapshot transfers").tag("outcome", "failed").register(registry);
        FunctionCounter.builder("tracker.cluster.snapshots", s, SyncStats::snapshotsNotReady)
                .description("Snapshot transfers").tag("outcome", "not_ready").register(registry);
        FunctionCounter.builder("tracker.cluster.snapshots", s, SyncStats::snapshotRequestsRefused)
                .description("Snapshot transfers").tag("outcome", "refused").register(registry);
        FunctionCounter.builder("tracker.cluster.snapshots", s, SyncStats::snapshotsStalled)
                .description("Snapshot transfers").tag("outcome", "stalled").register(registry);
        for (SyncStats.Source source : SyncStats.Source.values()) {
            FunctionCounter.builder("tracker.cluster.records.refused", s, x -> x.recordsRefusedFor(source))
                    .description("Records from siblings the store had no room for (its budget)")
                    .tag("source", source.tag()).register(registry);
        }
        for (SyncStats.Round outcome : SyncStats.Round.values()) {
            FunctionCounter.builder("tracker.cluster.anti.entropy.rounds", s, x -> x.rounds(outcome))
                    .description("Anti-entropy rounds with a sibling, by outcome").tag("outcome", outcome.tag())
                    .register(registry);
        }
        FunctionCounter.builder("tracker.cluster.anti.entropy.shards", s, SyncStats::shardsPulled)
                .description("Shards pulled from siblings and merged by anti-entropy").register(registry);
        FunctionCounter.builder("tracker.cluster.anti.entropy.peers", s, SyncStats::peersAddedByRepair)
                .description("Peers changed by anti-entropy repair").tag("change", "added").register(registry);
        FunctionCounter.builder("tracker.cluster.anti.entropy.peers", s, SyncStats::peersRemovedByRepair)
                .description("Peers changed by anti-entropy repair").tag("change", "removed").register(registry);
        FunctionCounter.builder("tracker.cluster.anti.entropy", s, SyncStats::antiEntropyBytesSent).baseUnit("bytes")
                .description("Anti-entropy traffic").tag("direction", "sent").register(registry);
        FunctionCounter.builder("tracker.cluster.anti.entropy", s, SyncStats::antiEntropyBytesReceived)
                .baseUnit("bytes").description("Anti-entropy traffic").tag("direction", "received")
                .register(registry);
        FunctionCounter.builder("tracker.cluster.agent.errors", cluster, Cluster::agentErrors)
                .description("Unexpected errors in the cluster's sync and snapshot threads (each is logged)")
                .register(registry);
        Gauge.builder("tracker.cluster.snapshot.duration", s, x -> x.lastSnapshotMillis() / 1000.0)
                .description("How long the start-up snapshot took (-0.001 when none was loaded)").baseUnit("seconds")
                .register(registry);
    }

    public static void bindAccessList(MeterRegistry registry, AccessList list, AccessListReloader reloader,
                                      RequestCounters c) {
        String mode = list.mode().name().toLowerCase();
        Gauge.builder("tracker.access.list.entries", list, AccessList::size)
                .description("Info hashes in the access list").tag("mode", mode).register(registry);
        Gauge.builder("tracker.access.list.last.reload", reloader, r -> r.lastReloadEpochMillis() / 1000.0)
                .description("When the access list was last loaded (Unix time, seconds)").baseUnit("seconds")
                .register(registry);
        FunctionCounter.builder("tracker.access.list.reloads", reloader, AccessListReloader::reloads)
                .description("Access list loads that succeeded").register(registry);
        FunctionCounter.builder("tracker.access.list.reload.failures", reloader, AccessListReloader::reloadFailures)
                .description("Access list reloads that could not read the file (the previous list stayed)")
                .register(registry);
        Gauge.builder("tracker.access.list.malformed.lines", reloader, AccessListReloader::malformedLines)
                .description("Malformed lines skipped in the last load").register(registry);
        MultiGauge loaded = MultiGauge.builder("tracker.access.list.info")
                .description("1, tagged with the SHA-256 of the loaded list's sorted hashes (which version this worker enforces)")
                .register(registry);
        reloader.onReload(() -> loaded.register(List.of(MultiGauge.Row.of(Tags.of("digest", reloader.digest()), 1)), true));
        for (Protocol p : Protocol.values()) {
            FunctionCounter.builder("tracker.access.list.refused", c, x -> x.errors(p, ErrorReason.NOT_AUTHORIZED))
                    .description("Requests refused by the access list").tag("protocol", p.tag()).register(registry);
        }
    }
}
