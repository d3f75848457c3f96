package dev.kubetracker.worker;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.Cluster;
import dev.kubetracker.worker.cluster.ClusterKey;
import dev.kubetracker.worker.cluster.Membership;
import dev.kubetracker.worker.config.TrackerConfig;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.logic.ClientLimits;
import dev.kubetracker.worker.net.Cidr;
import dev.kubetracker.worker.net.TrustedProxies;
import dev.kubetracker.worker.protocol.http.HttpFrontend;
import dev.kubetracker.worker.protocol.udp.ConnectionIds;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.MinuteClock;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.warmup.WarmUp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Turns the configuration ({@code tracker.*} keys) into the tracker's parts. Every refusal is an
 * {@link IllegalArgumentException} whose message starts with the key at fault, so a worker that will
 * not start says which setting to fix. It builds; {@link TrackerWorker} starts and stops.
 */
final class WorkerFactory {
    private static final Logger LOG = Logger.getLogger(WorkerFactory.class);
    /** Idle HTTP connections (and clients that stop reading a reply) are closed after this long. */
    private static final Duration HTTP_IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** Below this a budget leaves 1024 shards a few hundred bytes each: surely a typo. */
    static final long MIN_STORE_BUDGET = 4L << 20;

    private final TrackerConfig config;

    WorkerFactory(TrackerConfig config) {
        this.config = config;
    }

    int peerTimeoutMinutes() {
        return minutes(config.peerTimeout(), "tracker.peer-timeout");
    }

    SwarmStore store() {
        int peerTimeout = peerTimeoutMinutes();
        int retention = minutes(config.torrentRetention(), "tracker.torrent-retention");
        if (config.maxTorrents() < 0) {
            throw new IllegalArgumentException("tracker.max-torrents must be 0 (no limit) or more: " + config.maxTorrents());
        }
        if (config.storeShards() < 1 || Integer.bitCount(config.storeShards()) != 1) {
            throw new IllegalArgumentException("tracker.store-shards must be a power of two: " + config.storeShards());
        }
        long budget = storeBudgetBytes();
        return keyed("tracker.peer-timeout", () -> new SwarmStore(config.storeShards(), peerTimeout,
                config.maxTorrents(), budget, retention, MinuteClock.SYSTEM));
    }

    /**
     * The store's budget: {@code tracker.store-budget}, or half the maximum heap less 32 MiB. The other
     * half is the collector's room to work and what the rest of the worker holds: an access list of a
     * million hashes (20 MiB, twice that and its file while reloading), reply and scrape buffers,
     * snapshot copies of one shard at a time.
     */
    long storeBudgetBytes() {
        if (config.storeBudget().isPresent()) {
            long bytes = config.storeBudget().get().asLongValue();
            if (bytes < 0 || (bytes > 0 && bytes < MIN_STORE_BUDGET)) {
                throw new IllegalArgumentException("tracker.store-budget must be 0 (no limit) or at least "
                        + MIN_STORE_BUDGET / (1 << 20) + "M: " + bytes);
            }
            return bytes;
        }
        return defaultStoreBudget(Runtime.getRuntime().maxMemory());
    }

    static long defaultStoreBudget(long maxHeap) {
        return Math.max(MIN_STORE_BUDGET, maxHeap / 2 - (32L << 20));
    }

    AnnouncePolicy policy() {
        Duration intervalSetting = config.announce().interval();
        if (intervalSetting.toSeconds() < 1 || intervalSetting.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tracker.announce.interval must be at least one second: " + intervalSetting);
        }
        int interval = (int) intervalSetting.toSeconds();
        int minInterval = config.announce().minInterval().map(d -> (int) Math.min(Integer.MAX_VALUE, d.toSeconds()))
                .orElse(interval / 2);
        if (minInterval < 0 || minInterval > interval) {
            throw new IllegalArgumentException("tracker.announce.min-interval must be 0 to tracker.announce.interval ("
                    + interval + "s): " + minInterval + "s");
        }
        int numwantMax = config.numwant().max();
        int numwantDefault = config.numwant().defaultValue();
        if (numwantMax < 1) {
            throw new IllegalArgumentException("tracker.numwant.max must be at least 1: " + numwantMax);
        }
        if (numwantDefault < 0 || numwantDefault > numwantMax) {
            throw new IllegalArgumentException("tracker.numwant.default must be 0 to tracker.numwant.max ("
                    + numwantMax + "): " + numwantDefault);
        }
        AnnouncePolicy policy = new AnnouncePolicy(interval, minInterval, numwantDefault, numwantMax);
        if (peerTimeoutMinutes() * 60L < interval * 11L / 10) {
            LOG.warnf("tracker.peer-timeout (%d min) is shorter than the announce interval plus its spread: "
                    + "peers will vanish between their announces", peerTimeoutMinutes());
        }
        return policy;
    }

    ClientLimits clientLimits() {
        TrackerConfig.Limits l = config.limits();
        if (l.requestsPerSecond() < 0 || l.requestsPerSecond() > 1_000_000_000) {
            throw new IllegalArgumentException("tracker.limits.requests-per-second must be 0 (no limit) to 10^9: "
                    + l.requestsPerSecond());
        }
        if (l.newTorrentsPerMinute() < 0 || l.newTorrentsPerMinute() > 1_000_000_000) {
            throw new IllegalArgumentException("tracker.limits.new-torrents-per-minute must be 0 (no limit) to 10^9: "
                    + l.newTorrentsPerMinute());
        }
        if (l.clients() < 4 || l.clients() > (1 << 24)) {
            throw new IllegalArgumentException("tracker.limits.clients must be 4 to 16777216: " + l.clients());
        }
        return new ClientLimits(l.requestsPerSecond(), l.newTorrentsPerMinute(), l.clients(), System::nanoTime);
    }

    int scrapeMaxHashes() {
        int max = config.scrape().maxHashes();
        if (max < 1) {
            throw new IllegalArgumentException("tracker.scrape.max-hashes must be at least 1: " + max);
        }
        return max;
    }

    TrustedProxies trustedProxies() {
        return keyed("tracker.trusted-proxies", () -> new TrustedProxies(config.trustedProxies().orElse(List.of())
                .stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList()));
    }

    RandomPeers randomPeers() {
        TrackerConfig.Deniability d = config.deniability();
        int[] ports = RandomPeers.parsePorts(d.ports());
        RandomPeers peers = new RandomPeers(d.probability(), d.maxPeers(), ports[0], ports[1]);
        if (peers.enabled()) {
            LOG.infof("plausible deniability on: %.0f%% of replies get up to %d random peers (ports %d-%d)",
                    d.probability() * 100, d.maxPeers(), ports[0], ports[1]);
        }
        return peers;
    }

    /** The access list's mode and file; the file is required unless the mode is off. */
    Optional<List<Path>> accessListFile() {
        AccessList.Mode mode = config.accessList().mode();
        if (mode == AccessList.Mode.OFF) {
            return Optional.empty();
        }
        if (config.accessList().file().map(List::isEmpty).orElse(true)) {
            throw new IllegalArgumentException("tracker.access-list.file must be set when tracker.access-list.mode is "
                    + mode.name().toLowerCase());
        }
        return config.accessList().file();
    }

    boolean udpEnabled() {
        return port(config.udp().port(), "tracker.udp.port") != 0;
    }

    int udpSockets() {
        int sockets = config.udp().sockets();
        if (sockets < 0) {
            throw new IllegalArgumentException("tracker.udp.sockets must be 0 (one per core) or more: " + sockets);
        }
        return sockets > 0 ? sockets : Runtime.getRuntime().availableProcessors();
    }

    ConnectionIds connectionIds() {
        int maxAge = minutes(config.udp().connectionId().maxAge(), "tracker.udp.connection-id.max-age");
        Optional<Path> keyFile = config.udp().connectionId().keyFile();
        if (keyFile.isEmpty()) {
            LOG.info("UDP connection ids use a random key: other workers will not accept them "
                    + "(set tracker.udp.connection-id.key-file to share one)");
            return randomlyKeyed(maxAge);
        }
        byte[] secret = read(keyFile.get(), "tracker.udp.connection-id.key-file");
        if (secret.length == 0) {
            throw new IllegalArgumentException("tracker.udp.connection-id.key-file is empty: " + keyFile.get());
        }
        byte[] accepted = acceptedKey(config.udp().connectionId().acceptedKeyFile(),
                "tracker.udp.connection-id.accepted-key-file");
        return keyed("tracker.udp.connection-id.max-age", () -> new ConnectionIds(ConnectionIds.keyFromSecret(secret),
                accepted.length == 0 ? null : ConnectionIds.keyFromSecret(accepted), maxAge, MinuteClock.SYSTEM));
    }

    private static ConnectionIds randomlyKeyed(int maxAgeMinutes) {
        return keyed("tracker.udp.connection-id.max-age",
                () -> new ConnectionIds(ConnectionIds.randomKey(), maxAgeMinutes, MinuteClock.SYSTEM));
    }

    /** The drain on SIGTERM (Quarkus' shutdown delay waits it out; this only refuses a negative one). */
    Duration drain() {
        Duration drain = config.shutdown().drain();
        if (drain.isNegative()) {
            throw new IllegalArgumentException("tracker.shutdown.drain must be 0 or more: " + drain);
        }
        return drain;
    }

    /** The address both client ports (and the sync port) bind: a literal or a name that resolves. */
    String host() {
        try {
            InetAddress.getByName(config.host());
            return config.host();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("tracker.host cannot be resolved: " + config.host(), e);
        }
    }

    boolean httpEnabled() {
        return port(config.http().port(), "tracker.http.port") != 0;
    }

    HttpFrontend.Settings httpSettings() {
        int maxLine = config.http().maxRequestLineLength();
        if (maxLine < 64) {
            throw new IllegalArgumentException("tracker.http.max-request-line-length must be at least 64: " + maxLine);
        }
        return new HttpFrontend.Settings(host(), config.http().port(), Runtime.getRuntime().availableProcessors(),
                maxLine, HTTP_IDLE_TIMEOUT);
    }

    /** The warm-up's settings; it builds its own store and client limits from the same configuration. */
    WarmUp.Setup warmUpSetup(AnnouncePolicy policy, RandomPeers randomPeers, int scrapeMaxHashes) {
        TrackerConfig.WarmUp w = config.warmUp();
        if (w.requests() < 0) {
            throw new IllegalArgumentException("tracker.warm-up.requests must be 0 (off) or more: " + w.requests());
        }
        if (w.maxTime().isNegative()) {
            throw new IllegalArgumentException("tracker.warm-up.max-time must be 0 or more: " + w.maxTime());
        }
        int maxAge = minutes(config.udp().connectionId().maxAge(), "tracker.udp.connection-id.max-age");
        return new WarmUp.Setup(w.requests(), w.maxTime(), this::store, this::clientLimits,
                () -> randomlyKeyed(maxAge), policy, randomPeers, config.accessList().mode(), scrapeMaxHashes,
                config.http().maxRequestLineLength(), udpEnabled(), config.udp().transport(), httpEnabled());
    }

    /** The cluster's settings, or empty when no sibling is configured (a standalone worker). */
    Optional<Cluster.Settings> clusterSettings() {
        TrackerConfig.Cluster c = config.cluster();
        List<String> peers = c.peers().orElse(List.of()).stream().filter(s -> !s.isBlank()).toList();
        Optional<String> dns = c.dns().filter(s -> !s.isBlank());
        if (peers.isEmpty() && dns.isEmpty()) {
            return Optional.empty();
        }
        port(c.port(), "tracker.cluster.port");
        for (String peer : peers) {
            keyed("tracker.cluster.peers", () -> Membership.parse(peer, c.port()));
        }
        if (c.port() == 0) {
            throw new IllegalArgumentException("tracker.cluster.port must be 1 to 65535 in a cluster");
        }
        byte[] key;
        String keySource;
        if (c.keyFile().isPresent()) {
            key = read(c.keyFile().get(), "tracker.cluster.key-file");
            keySource = "tracker.cluster.key-file";
        } else if (c.key().isPresent()) {
            key = c.key().get().getBytes(StandardCharsets.UTF_8);
            keySource = "tracker.cluster.key";
        } else {
            throw new IllegalArgumentException("tracker.cluster.key-file (or tracker.cluster.key) must be set "
                    + "when tracker.cluster.peers or tracker.cluster.dns names siblings");
        }
        byte[] accepted = acceptedKey(c.acceptedKeyFile(), "tracker.cluster.accepted-key-file");
        keyed(keySource, () -> new ClusterKey(key));
        ClusterKey clusterKey = keyed("tracker.cluster.accepted-key-file", () -> new ClusterKey(key, accepted));
        if (c.snapshotTimeout().toMillis() < 1) {
            throw new IllegalArgumentException("tracker.cluster.snapshot-timeout must be positive: " + c.snapshotTimeout());
        }
        if (c.dnsRefresh().toMillis() < 1) {
            throw new IllegalArgumentException("tracker.cluster.dns-refresh must be positive: " + c.dnsRefresh());
        }
        if (c.antiEntropyInterval().isNegative()) {
            throw new IllegalArgumentException("tracker.cluster.anti-entropy-interval must be 0 (off) or positive: "
                    + c.antiEntropyInterval());
        }
        return Optional.of(new Cluster.Settings(host(), c.port(), peers, dns, clusterKey, c.dnsRefresh(),
                c.snapshotTimeout(), c.antiEntropyInterval()));
    }

    private static int minutes(Duration d, String key) {
        long m = d.toMinutes();
        if (m < 1 || m > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be at least one minute: " + d);
        }
        return (int) m;
    }

    private static int port(int port, String key) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + " must be 0 (off) to 65535: " + port);
        }
        return port;
    }

    private static byte[] read(Path file, String key) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(key + " cannot be read: " + file + " (" + e + ")", e);
        }
    }

    /**
     * The content of an accepted-key file (a key rotation is under way), or nothing when the key is
     * unset, the file missing or empty: the pods' Secret holds that key only during a rotation.
     */
    private static byte[] acceptedKey(Optional<Path> file, String key) {
        if (file.isEmpty() || !Files.exists(file.get())) {
            return new byte[0];
        }
        byte[] accepted = read(file.get(), key);
        if (accepted.length > 0) {
            LOG.infof("%s: a second key is accepted (a key rotation is under way)", key);
        }
        return accepted;
    }

    /** Runs {@code build}, prefixing the key to a refusal that does not name it already. */
    private static <T> T keyed(String key, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains(key)) {
                throw e;
            }
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }
}
