package dev.kubetracker.worker;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.access.AccessListReloader;
import dev.kubetracker.worker.access.SignalReload;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.cluster.Cluster;
import dev.kubetracker.worker.config.TrackerConfig;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.net.Cidr;
import dev.kubetracker.worker.net.TrustedProxies;
import dev.kubetracker.worker.protocol.http.FullScrapeSlots;
import dev.kubetracker.worker.protocol.http.HttpFrontend;
import dev.kubetracker.worker.protocol.http.HttpTracker;
import dev.kubetracker.worker.protocol.udp.ConnectionIds;
import dev.kubetracker.worker.protocol.udp.UdpFrontend;
import dev.kubetracker.worker.protocol.udp.UdpRequestHandler;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.TrackerMetrics;
import dev.kubetracker.worker.stats.TrackerStats;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.MinuteClock;
import dev.kubetracker.worker.swarm.SwarmStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the tracker when Quarkus starts: the store, its expiry sweep, the UDP and HTTP frontends and
 * the metrics; stops them on shutdown. It reports ready once both frontends are listening.
 */
@ApplicationScoped
public class TrackerWorker {
    private static final Logger LOG = Logger.getLogger(TrackerWorker.class);

    @Inject
    TrackerConfig config;
    @Inject
    MeterRegistry registry;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    private SwarmStore store;
    private RequestCounters counters;
    private UdpFrontend udp;
    private HttpFrontend http;
    private ScheduledExecutorService sweeper;
    private ExecutorService statsExecutor;
    private AccessList accessList;
    private AccessListReloader accessListReloader;
    private Cluster cluster;
    private volatile boolean serving;

    void onStart(@Observes StartupEvent event) throws Exception {
        int peerTimeout = minutes(config.peerTimeout(), "tracker.peer-timeout");
        store = new SwarmStore(config.storeShards(), peerTimeout, config.maxTorrents(),
                minutes(config.torrentRetention(), "tracker.torrent-retention"), MinuteClock.SYSTEM);
        counters = new RequestCounters();
        AnnouncePolicy policy = policy();
        if (peerTimeout * 60L < policy.intervalSeconds() * 11L / 10) {
            LOG.warnf("tracker.peer-timeout (%d min) is shorter than the announce interval plus its spread: "
                    + "peers will vanish between their announces", peerTimeout);
        }
        FullScrapeSlots fullScrapeSlots = new FullScrapeSlots(4);
        TrustedProxies proxies = new TrustedProxies(config.trustedProxies().orElse(List.of()).stream()
                .filter(s -> !s.isBlank()).map(Cidr::parse).toList());
        TrackerStats stats = new TrackerStats(store, counters, version, new SecureRandom().nextInt(Integer.MAX_VALUE));
        TrackerMetrics.bind(registry, counters, store);
        accessList = startAccessList();
        RandomPeers randomPeers = randomPeers();

        sweeper = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("tracker-sweep", true));
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.MINUTES);

        cluster = startCluster();
        if (cluster != null) {
            cluster.bootstrap(); // before the client ports open: never serve an empty swarm after a restart
        }
        ChangeLog changes = cluster == null ? ChangeLog.NONE : cluster.changeLog();

        int cores = Runtime.getRuntime().availableProcessors();
        if (config.udp().port() != 0) {
            ConnectionIds ids = connectionIds();
            int sockets = config.udp().sockets() > 0 ? config.udp().sockets() : cores;
            udp = UdpFrontend.bind(config.host(), config.udp().port(), sockets,
                    () -> new UdpRequestHandler(store, ids, policy, counters, accessList, randomPeers,
                            changes));
        }
        if (config.http().port() != 0) {
            // /stats renders (some walk the whole store) off the event loops, one at a time.
            statsExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(16),
                    new DefaultThreadFactory("tracker-stats", true));
            ExecutorService statsRenderer = statsExecutor;
            http = HttpFrontend.bind(
                    new HttpFrontend.Settings(config.host(), config.http().port(), cores,
                            config.http().maxRequestLineLength(), Duration.ofSeconds(30)),
                    () -> new HttpTracker(store, policy, config.scrape().maxHashes(), counters, stats, proxies,
                            accessList, randomPeers, changes, fullScrapeSlots, statsRenderer));
        }
        LOG.infof("kubetracker %s serving: interval %ds (min %ds), peer timeout %d min, numwant %d (max %d), "
                        + "scrape up to %d hashes, %d store shards, trusted proxies %s",
                version, policy.intervalSeconds(), policy.minIntervalSeconds(), peerTimeout, policy.numwantDefault(),
                policy.numwantMax(), config.scrape().maxHashes(), store.shardCount(),
                config.trustedProxies().orElse(List.of()));
        serving = true;
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

    private AccessList startAccessList() {
        AccessList.Mode mode = config.accessList().mode();
        if (mode == AccessList.Mode.OFF) {
            // opentracker's SIGHUP habit must not kill a worker that has no list to reload.
            SignalReload.onHangup(() -> LOG.info("SIGHUP: no access list to reload (tracker.access-list.mode=off)"));
            return AccessList.off();
        }
        if (config.accessList().file().isEmpty()) {
            throw new IllegalArgumentException("tracker.access-list.mode is " + mode.name().toLowerCase()
                    + " but tracker.access-list.file is not set");
        }
        AccessList list = new AccessList(mode);
        accessListReloader = new AccessListReloader(list, config.accessList().file().get(), store,
                config.accessList().watch());
        accessListReloader.start();
        store.setAdmission(list::allows);
        TrackerMetrics.bindAccessList(registry, list, accessListReloader, counters);
        return list;
    }

    private Cluster startCluster() throws IOException {
        TrackerConfig.Cluster c = config.cluster();
        List<String> peers = c.peers().orElse(List.of()).stream().filter(s -> !s.isBlank()).toList();
        java.util.Optional<String> dns = c.dns().filter(s -> !s.isBlank());
        if (peers.isEmpty() && dns.isEmpty()) {
            return null;
        }
        byte[] key;
        if (c.keyFile().isPresent()) {
            key = Files.readAllBytes(c.keyFile().get());
        } else if (c.key().isPresent()) {
            key = c.key().get().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else {
            throw new IllegalArgumentException("a cluster needs a key: set tracker.cluster.key-file (or tracker.cluster.key)");
        }
        if (dns.isPresent()) {
            // The JVM caches successful lookups for 30 s by default; siblings come and go faster than that.
            java.security.Security.setProperty("networkaddress.cache.ttl", "5");
        }
        Cluster started = Cluster.start(new Cluster.Settings(config.host(), c.port(), peers, dns, key, c.dnsRefresh(),
                c.snapshotTimeout()), store, this::isServing);
        TrackerMetrics.bindCluster(registry, started);
        return started;
    }

    public Cluster cluster() {
        return cluster;
    }

    private RandomPeers randomPeers() {
        int[] ports = RandomPeers.parsePorts(config.deniability().ports());
        RandomPeers peers = new RandomPeers(config.deniability().probability(), config.deniability().maxPeers(),
                ports[0], ports[1]);
        if (peers.enabled()) {
            LOG.infof("plausible deniability on: %.0f%% of replies get up to %d random peers (ports %d-%d)",
                    config.deniability().probability() * 100, config.deniability().maxPeers(), ports[0], ports[1]);
        }
        return peers;
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

    private AnnouncePolicy policy() {
        int interval = (int) config.announce().interval().toSeconds();
        int minInterval = config.announce().minInterval().map(d -> (int) d.toSeconds()).orElse(interval / 2);
        if (config.scrape().maxHashes() < 1) {
            throw new IllegalArgumentException("tracker.scrape.max-hashes must be at least 1");
        }
        return new AnnouncePolicy(interval, minInterval, config.numwant().defaultValue(), config.numwant().max());
    }

    private ConnectionIds connectionIds() throws IOException {
        int maxAge = minutes(config.udp().connectionId().maxAge(), "tracker.udp.connection-id.max-age");
        if (config.udp().connectionId().keyFile().isEmpty()) {
            LOG.info("UDP connection ids use a random key: other workers will not accept them "
                    + "(set tracker.udp.connection-id.key-file to share one)");
            return new ConnectionIds(ConnectionIds.randomKey(), maxAge, MinuteClock.SYSTEM);
        }
        byte[] secret = Files.readAllBytes(config.udp().connectionId().keyFile().get());
        if (secret.length == 0) {
            throw new IllegalArgumentException("tracker.udp.connection-id.key-file is empty");
        }
        return new ConnectionIds(ConnectionIds.keyFromSecret(secret), maxAge, MinuteClock.SYSTEM);
    }

    private static int minutes(Duration d, String key) {
        long m = d.toMinutes();
        if (m < 1 || m > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be at least one minute: " + d);
        }
        return (int) m;
    }
}
