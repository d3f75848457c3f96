package dev.kubetracker.worker;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.access.AccessListReloader;
import dev.kubetracker.worker.access.SignalReload;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.cluster.Cluster;
import dev.kubetracker.worker.config.TrackerConfig;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.logic.ClientLimits;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.net.TrustedProxies;
import dev.kubetracker.worker.protocol.http.FullScrapeSlots;
import dev.kubetracker.worker.protocol.http.HttpFrontend;
import dev.kubetracker.worker.protocol.http.HttpRequestRouter;
import dev.kubetracker.worker.protocol.udp.ConnectionIds;
import dev.kubetracker.worker.protocol.udp.UdpPort;
import dev.kubetracker.worker.protocol.udp.UdpRequestHandler;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.TrackerMetrics;
import dev.kubetracker.worker.stats.TrackerStats;
import dev.kubetracker.worker.status.StatusHistory;
import dev.kubetracker.worker.status.StatusPage;
import dev.kubetracker.worker.status.StatusReadings;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.warmup.WarmUp;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The worker's lifecycle: when Quarkus starts, it has {@link WorkerFactory} build the parts from the
 * configuration and starts them (store sweep, access-list reloader, cluster and its snapshot, then the
 * UDP and HTTP frontends over one {@link TrackerLogic}); on shutdown (after the drain, when one is set)
 * it closes them, client ports first.
 * Before the frontends bind, a warm-up runs made-up traffic through the request code over parts of its
 * own ({@link WarmUp}). It reports serving once both frontends are listening.
 */
@ApplicationScoped
public class TrackerWorker {
    private static final Logger LOG = Logger.getLogger(TrackerWorker.class);

    @Inject
    TrackerConfig config;
    @Inject
    MeterRegistry registry;
    @Inject
    StatusPage statusPage;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    private SwarmStore store;
    private RequestCounters counters;
    private UdpPort udp;
    private HttpFrontend http;
    private static final long SWEEP_AFTER_MINUTE_MILLIS = 200;
    /** The status page's history: one sample every 2 s for 10 minutes. */
    private static final long STATUS_SAMPLE_MILLIS = 2_000;
    private static final int STATUS_SAMPLES = 300;
    private ScheduledExecutorService sweeper;
    private ExecutorService statsExecutor;
    private AccessList accessList;
    private AccessListReloader accessListReloader;
    private Cluster cluster;
    private volatile boolean serving;
    private Duration drain;

    void onStart(@Observes StartupEvent event) throws Exception {
        WorkerFactory factory = new WorkerFactory(config);
        drain = factory.drain();
        store = factory.store();
        counters = new RequestCounters();
        AnnouncePolicy policy = factory.policy();
        int scrapeMaxHashes = factory.scrapeMaxHashes();
        TrustedProxies proxies = factory.trustedProxies();
        RandomPeers randomPeers = factory.randomPeers();
        ClientLimits limits = factory.clientLimits();
        TrackerStats stats = new TrackerStats(store, counters, version, new SecureRandom().nextInt(Integer.MAX_VALUE),
                limits, config.stats().productName());
        TrackerMetrics.bind(registry, counters, store);
        TrackerMetrics.bindReadiness(registry, this::isServing);
        accessList = startAccessList(factory.accessListFile());

        sweeper = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("tracker-sweep", true));
        scheduleSweep();

        Optional<Cluster.Settings> clusterSettings = factory.clusterSettings();
        if (clusterSettings.isPresent()) {
            cluster = Cluster.start(clusterSettings.get(), store, this::isServing);
            TrackerMetrics.bindCluster(registry, cluster);
            stats.showCluster(cluster.stats());
            cluster.bootstrap(); // before the client ports open: never serve an empty swarm after a restart
        }
        startStatusHistory(new StatusReadings(counters, store, cluster));
        ChangeLog changes = cluster == null ? ChangeLog.NONE : cluster.changeLog();
        TrackerLogic logic = new TrackerLogic(store, accessList, policy, changes, randomPeers, counters, limits);

        warmUp(factory, policy, randomPeers, scrapeMaxHashes);

        if (factory.udpEnabled()) {
            ConnectionIds ids = factory.connectionIds();
            udp = config.udp().transport().bind(factory.host(), config.udp().port(), factory.udpSockets(),
                    () -> new UdpRequestHandler(logic, ids, counters));
        }
        if (factory.httpEnabled()) {
            // /stats renders (some walk the whole store) off the event loops, one at a time.
            statsExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(16),
                    new DefaultThreadFactory("tracker-stats", true));
            ExecutorService statsRenderer = statsExecutor;
            FullScrapeSlots fullScrapeSlots = new FullScrapeSlots(4);
            http = HttpFrontend.bind(factory.httpSettings(), () -> new HttpRequestRouter(logic, scrapeMaxHashes,
                    counters, stats, proxies, fullScrapeSlots, statsRenderer));
        }
        LOG.infof("kubetracker %s serving: interval %ds (min %ds), peer timeout %d min, numwant %d (max %d), "
                        + "scrape up to %d hashes, %d store shards, trusted proxies %s",
                version, policy.intervalSeconds(), policy.minIntervalSeconds(), store.peerTimeoutMinutes(),
                policy.numwantDefault(), policy.numwantMax(), scrapeMaxHashes, store.shardCount(),
                config.trustedProxies().orElse(List.of()));
        serving = true;
    }

    /**
     * Before the client ports open (so readiness waits for it): made-up traffic through the request code,
     * over parts of its own, so the first real requests meet compiled code.
     */
    private void warmUp(WorkerFactory factory, AnnouncePolicy policy, RandomPeers randomPeers, int scrapeMaxHashes)
            throws Exception {
        WarmUp.Result result = new WarmUp(factory.warmUpSetup(policy, randomPeers, scrapeMaxHashes)).run();
        if (result != null) { // null: the warm-up is off
            // Its private store is garbage now; a full collection before any client traffic gives its heap
            // back, so a worker starts as small as without the warm-up (memory per peer stays what it is).
            System.gc();
        }
    }

    /** SIGTERM with a drain: Quarkus reports not ready now and waits the drain before {@link #onStop}. */
    void onDrain(@Observes ShutdownDelayInitiatedEvent event) {
        if (drain != null && !drain.isZero()) { // null: the start failed before the drain was read
            LOG.infof("draining: not ready, still serving for %d s, then the client ports close", drain.toSeconds());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        serving = false;
        // The client ports first, each on its own: one failing close must not leave the others open.
        closeQuietly("UDP frontend", udp);
        closeQuietly("HTTP frontend", http);
        if (statsExecutor != null) {
            statsExecutor.shutdownNow();
        }
        closeQuietly("access list reloader", accessListReloader);
        closeQuietly("cluster", cluster);
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    private void startStatusHistory(StatusReadings readings) {
        StatusHistory history = new StatusHistory(STATUS_SAMPLES, STATUS_SAMPLE_MILLIS);
        long[] scratch = new long[StatusReadings.COLUMNS];
        sweeper.scheduleAtFixedRate(() -> {
            try {
                history.record(readings, scratch);
            } catch (RuntimeException e) { // an escaping exception would end the schedule
                LOG.error("status sample failed", e);
            }
        }, 0, STATUS_SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        statusPage.show(readings, history);
    }

    private static void closeQuietly(String what, AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warnf(e, "closing the %s failed", what);
        }
    }

    public boolean isServing() {
        return serving;
    }

    /** The store, for tests that look at state behind the frontends. */
    public SwarmStore store() {
        return store;
    }

    public RequestCounters counters() {
        return counters;
    }

    public AccessList accessList() {
        return accessList;
    }

    /** The access list's reloader, or null when the mode is off. */
    public AccessListReloader accessListReloader() {
        return accessListReloader;
    }

    /** The access list (reloaded in the background), or one that allows everything when the mode is off. */
    private AccessList startAccessList(Optional<List<Path>> file) {
        if (file.isEmpty()) {
            // opentracker's SIGHUP habit must not kill a worker that has no list to reload.
            SignalReload.onHangup(() -> LOG.info("SIGHUP: no access list to reload (tracker.access-list.mode=off)"));
            return AccessList.off();
        }
        AccessList list = new AccessList(config.accessList().mode());
        long maxBytes = Math.min(config.accessList().maxBytes().asLongValue(), Integer.MAX_VALUE - 8);
        if (maxBytes < 1) { // every list would be refused: a whitelist would refuse every torrent, silently
            throw new IllegalArgumentException("tracker.access-list.max-bytes must be positive: "
                    + config.accessList().maxBytes().asLongValue());
        }
        accessListReloader = new AccessListReloader(list, file.get(), store, config.accessList().watch(), maxBytes);
        accessListReloader.start();
        TrackerMetrics.bindAccessList(registry, list, accessListReloader, counters);
        return list;
    }

    public Cluster cluster() {
        return cluster;
    }

    /**
     * The next sweep, just after the next wall-clock minute, as on every sibling: they expire the same
     * peers at about the same instant, so expiry alone does not make their digests differ for long
     * (anti-entropy compares them). Scheduled afresh each time, so it follows the wall clock, not the
     * executor's monotonic one.
     */
    private void scheduleSweep() {
        long untilNextMinute = 60_000 - System.currentTimeMillis() % 60_000 + SWEEP_AFTER_MINUTE_MILLIS;
        try {
            sweeper.schedule(() -> {
                sweep();
                scheduleSweep();
            }, untilNextMinute, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("the worker is stopping: no further sweep");
        }
    }

    private void sweep() {
        try {
            long removed = store.sweep();
            if (removed > 0) {
                LOG.debugf("expired %d peers", removed);
            }
        } catch (RuntimeException e) {
            LOG.error("expiry sweep failed", e);
        }
    }

}
