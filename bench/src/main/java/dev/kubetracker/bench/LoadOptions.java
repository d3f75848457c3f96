package dev.kubetracker.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/** The settings of one load run, shared by the UDP and HTTP generators. */
public record LoadOptions(String scenario, String tracker, InetSocketAddress target, Duration warmup,
                          Duration duration, long maxRequests, int window, Duration timeout, int numwant,
                          int scrapeEvery, int scrapeHashes, boolean connectEach, boolean keepAlive, boolean fill,
                          boolean reannounce, boolean asModelled, double rate, int firstSource, boolean newTorrents, TorrentModel model,
                          long seed, long trackerPid, String jsonFile, int start) {

    public static LoadOptions from(String mode, Args args) throws UnknownHostException {
        String host = args.string("host", "127.0.0.1");
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress() && !args.flag("allow-remote")) {
            throw new IllegalArgumentException("--host " + host + " is not a loopback address; pass --allow-remote"
                    + " to load another machine on purpose");
        }
        boolean udp = mode.equals("udp");
        int peers = args.integer("peers", 2_000_000);
        int sources = args.integer("sources", Math.max(64, TorrentModel.minimumSources(peers)));
        TorrentModel model = new TorrentModel(args.integer("torrents", 1_000_000), peers, sources,
                args.decimal("popularity-exponent", 1.0), args.decimal("seeders", 0.75), args.longValue("seed", 42));
        LoadOptions o = new LoadOptions(
                args.string("scenario", mode),
                args.string("tracker", "tracker"),
                new InetSocketAddress(address, args.integer("port", 6969)),
                args.duration("warmup", Duration.ofSeconds(2)),
                args.duration("duration", Duration.ofSeconds(10)),
                args.longValue("count", 50_000_000),
                args.integer("window", udp ? 256 : 32),
                args.duration("timeout", Duration.ofSeconds(1)),
                args.integer("numwant", 30),
                args.integer("scrape-every", udp ? 101 : 0),
                args.integer("scrape-hashes", 10),
                args.flag("connect-each"),
                !args.flag("no-keepalive"),
                args.flag("fill"),
                args.flag("reannounce"),
                args.flag("as-modelled"),
                args.decimal("rate", 0),
                args.integer("first-source", 0),
                args.flag("new-torrents"),
                model,
                args.longValue("seed", 42),
                args.longValue("pid", 0),
                args.string("json", null),
                args.integer("start", 0));
        o.validate();
        return o;
    }

    void validate() {
        if (window < 1 || window > 65_535) {
            throw new IllegalArgumentException("--window must be 1 to 65535: " + window);
        }
        if (duration.isZero() || duration.isNegative() || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("--duration must be above 0 and at most 1 hour: " + duration);
        }
        if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("--warmup must be 0 to 10 minutes: " + warmup);
        }
        if (maxRequests < 1) {
            throw new IllegalArgumentException("--count must be positive: " + maxRequests);
        }
        if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("--timeout must be 1 ms to 30 s: " + timeout);
        }
        if (numwant < 0 || scrapeEvery < 0 || scrapeHashes < 1 || scrapeHashes > 74) {
            throw new IllegalArgumentException("--numwant and --scrape-every must be >= 0, --scrape-hashes 1 to 74");
        }
        if (fill && reannounce) {
            throw new IllegalArgumentException("--fill and --reannounce exclude each other");
        }
        if (asModelled && !fill && !reannounce) {
            throw new IllegalArgumentException("--as-modelled places the peers of --fill or --reannounce");
        }
        if (!(rate >= 0)) {
            throw new IllegalArgumentException("--rate must be >= 0 (0: as fast as the window allows): " + rate);
        }
        if (firstSource < 0 || firstSource + (long) model.sources() > TorrentModel.MAX_SOURCES) {
            throw new IllegalArgumentException("--first-source and --sources must fit in " + TorrentModel.MAX_SOURCES
                    + " source addresses: " + firstSource + " + " + model.sources());
        }
    }

    /**
     * Peer {@code p}'s torrent in a fill or a re-announce round: its torrent of the popularity model (where the
     * other workloads announce it) with --as-modelled, else round-robin over all torrents.
     */
    public int fillTorrentOf(int peer) {
        return asModelled ? model.torrentOf(peer) : model.evenTorrentOf(peer);
    }

    /** Whether request number {@code n} (counting from 0) is a scrape: one in every {@code scrapeEvery}. */
    public boolean isScrape(long n) {
        return scrapeEvery > 0 && n % scrapeEvery == scrapeEvery - 1;
    }

    public String targetText() {
        return target.getAddress().getHostAddress() + ":" + target.getPort();
    }
}
