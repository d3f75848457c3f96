package dev.kubetracker.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the worker, under {@code tracker.} (DESIGN.md's table is the contract with the
 * operator, which sets these as environment variables such as {@code TRACKER_HTTP_PORT}).
 */
@ConfigMapping(prefix = "tracker")
public interface TrackerConfig {

    /** Bind address for HTTP and UDP; {@code ::} is every address of both families. */
    @WithDefault("::")
    String host();

    Http http();

    Udp udp();

    Announce announce();

    /** Per-client limits (a client is an IPv4 address or an IPv6 /64). */
    Limits limits();

    /** A peer silent this long is dropped (at most 4 hours: peers age in 8-bit minutes). */
    @WithDefault("45M")
    Duration peerTimeout();

    Numwant numwant();

    Scrape scrape();

    /** CIDRs whose {@code X-Forwarded-For} header is believed; empty means nobody's. */
    Optional<List<String>> trustedProxies();

    AccessList accessList();

    Deniability deniability();

    Cluster cluster();

    Shutdown shutdown();

    Stats stats();

    WarmUp warmUp();

    /** How long a torrent whose last peer left keeps its download count (for scrapes). */
    @WithDefault("24H")
    Duration torrentRetention();

    /** Most torrents held in RAM (0: no limit); past it, announces for new torrents are refused. */
    @WithDefault("0")
    long maxTorrents();

    /**
     * Most heap the swarm store may hold (tables, torrents, peers), e.g. {@code 300M}; {@code 0} for no
     * limit. Unset: half the maximum heap less 32 MiB. Past it, new torrents and peers are refused.
     */
    Optional<io.quarkus.runtime.configuration.MemorySize> storeBudget();

    /** Number of lock stripes of the swarm store (a power of two). */
    @WithDefault("1024")
    int storeShards();

    interface AccessList {
        /** {@code off}, {@code blacklist} or {@code whitelist}. */
        @WithDefault("off")
        dev.kubetracker.worker.access.AccessList.Mode mode();

        /**
         * The list: one 40-hex-digit info hash at the start of each line (a mounted ConfigMap key). Several
         * files (comma-separated) and directories (every visible file in it and in its subdirectories)
         * are merged into one list; a file starting with gzip's magic bytes is decompressed.
         */
        Optional<List<Path>> file();

        /** The most list text all the files may hold, decompressed, together (a gzip bomb is refused). */
        @WithDefault("128M")
        io.quarkus.runtime.configuration.MemorySize maxBytes();

        /** Reload when the file changes (besides SIGHUP, which always reloads). */
        @WithDefault("true")
        boolean watch();
    }

    interface Deniability {
        /** Share of announce replies (0 to 1) that get random peers mixed in; 0 turns it off. */
        @WithDefault("0")
        double probability();

        /** Most random peers per such reply. */
        @WithDefault("0")
        int maxPeers();

        /** Ports the random peers get, as {@code first-last}. */
        @WithDefault("1024-65535")
        String ports();
    }

    interface Cluster {
        /** The sync port: UDP for live changes, TCP for snapshots. */
        @WithDefault("6970")
        int port();

        /** Static siblings, {@code host:port} (outside Kubernetes). */
        Optional<List<String>> peers();

        /** A headless Service whose A/AAAA records are the siblings. */
        Optional<String> dns();

        /** File holding the cluster MAC key (a mounted Secret); required when there are siblings. */
        Optional<Path> keyFile();

        /** The key itself, for environments that pass secrets as variables ({@code TRACKER_CLUSTER_KEY}). */
        Optional<String> key();

        /**
         * During a key rotation, a second key that verifies MACs but never signs; a missing or empty file
         * means none (the operator points at a Secret key that exists only while a rotation runs).
         */
        Optional<Path> acceptedKeyFile();

        /** How often the siblings' names are resolved again. */
        @WithDefault("10S")
        Duration dnsRefresh();

        /** How long a starting worker may spend loading a sibling's snapshot. */
        @WithDefault("60S")
        Duration snapshotTimeout();

        /** How often a worker compares its shard digests with the next sibling's and pulls what differs; 0 = off. */
        @WithDefault("5S")
        Duration antiEntropyInterval();
    }

    interface Stats {
        /** The word {@code /stats}' text modes print where opentracker prints its name (parsers match it). */
        @WithDefault("opentracker")
        String productName();
    }

    interface WarmUp {
        /**
         * Synthetic requests run through the request code against a private, throwaway store before
         * the client ports open, so the first real traffic meets compiled code; 0 turns it off.
         */
        @WithDefault("20000")
        int requests();

        /** The warm-up stops after this long whatever it has run (a slow or throttled CPU). */
        @WithDefault("10S")
        Duration maxTime();
    }

    interface Shutdown {
        /**
         * On SIGTERM, how long the worker reports not ready while it keeps serving, so that the load
         * balancer stops sending before the client ports close. 0 for standalone use: nothing to drain.
         */
        @WithDefault("0S")
        Duration drain();
    }

    interface Http {
        /** 0 disables HTTP. */
        @WithDefault("6969")
        int port();

        /** Longest request line accepted; longer ones get 414. */
        @WithDefault("4096")
        int maxRequestLineLength();
    }

    interface Udp {
        /** 0 disables UDP. */
        @WithDefault("6969")
        int port();

        /** Sockets bound to the port with SO_REUSEPORT (epoll only); 0 means one per core. */
        @WithDefault("0")
        int sockets();

        /**
         * {@code batched}: each socket's own thread on libc's recvmmsg/sendmmsg, 64 datagrams a call (Linux;
         * elsewhere, or when the native library cannot load, Netty with a log line); {@code netty}: Netty's epoll.
         */
        @WithDefault("batched")
        dev.kubetracker.worker.protocol.udp.UdpTransport transport();

        ConnectionId connectionId();

        interface ConnectionId {
            /** A file whose content is the key; without one a random key is made at start. */
            Optional<Path> keyFile();

            /** During a key rotation, a second key whose ids are accepted but never issued; missing or empty: none. */
            Optional<Path> acceptedKeyFile();

            /** How long an issued connection id is accepted. */
            @WithDefault("10M")
            Duration maxAge();
        }
    }

    interface Limits {
        /** Announces and scrapes one client may make per second (0: no limit). */
        @WithDefault("2000")
        int requestsPerSecond();

        /** Torrents one client may create per minute (0: no limit). */
        @WithDefault("1000")
        int newTorrentsPerMinute();

        /** Clients the limits table keeps (fixed memory, about 28 bytes each). */
        @WithDefault("65536")
        int clients();
    }

    interface Announce {
        @WithDefault("30M")
        Duration interval();

        /** HTTP {@code min interval}; half the interval when unset. */
        Optional<Duration> minInterval();
    }

    interface Numwant {
        @WithName("default")
        @WithDefault("50")
        int defaultValue();

        @WithDefault("200")
        int max();
    }

    interface Scrape {
        /** Hashes per HTTP scrape (UDP: as many as fit in a datagram, at most 74). */
        @WithDefault("64")
        int maxHashes();
    }
}
