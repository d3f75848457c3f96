package dev.kubetracker.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of a flood run, and the three loads it makes of them: the flood itself, the well-behaved
 * clients' first announces (so that their torrents are known before the flood), and their re-announces.
 * The flood sends from source addresses 0 to sources - 1, the well-behaved clients from the next ones.
 */
public record FloodOptions(String scenario, InetSocketAddress target, Duration duration, long count, int window,
                           Duration timeout, int sources, long limitBytes, List<TrackerSampler.Target> workers,
                           int goodClients, double goodRate, int goodTorrents, int goodPeers, long seed,
                           String jsonFile) {
    private static final double GOOD_FILL_RATE = 1000;
    /** A worker just started answers its first requests slowly (class loading, JIT): the fill waits longer. */
    private static final Duration GOOD_FILL_TIMEOUT = Duration.ofSeconds(5);
    /** The flood's hashes come from another seed than the well-behaved clients' torrents. */
    private static final long FLOOD_SEED_MIX = 0x5DEECE66DL;

    public static FloodOptions from(Args args) throws UnknownHostException {
        boolean remote = args.flag("allow-remote");
        String host = args.string("host", "127.0.0.1");
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress() && !remote) {
            throw new IllegalArgumentException("--host " + host + " is not a loopback address; pass --allow-remote"
                    + " to flood another machine on purpose");
        }
        List<Long> pids = new ArrayList<>();
        for (String p : list(args.string("pid", ""))) {
            try {
                pids.add(Long.parseLong(p));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--pid takes process ids separated by commas: " + p);
            }
        }
        List<URI> metrics = new ArrayList<>();
        for (String m : list(args.string("metrics", ""))) {
            URI uri = URI.create(m);
            if (uri.getHost() == null || !uri.getScheme().equals("http")) {
                throw new IllegalArgumentException("--metrics takes http:// addresses separated by commas: " + m);
            }
            if (!InetAddress.getByName(uri.getHost()).isLoopbackAddress() && !remote) {
                throw new IllegalArgumentException("--metrics " + m + " is not on a loopback address");
            }
            metrics.add(uri);
        }
        if (!pids.isEmpty() && !metrics.isEmpty() && pids.size() != metrics.size()) {
            throw new IllegalArgumentException("--pid and --metrics name the same workers, in the same order: "
                    + pids.size() + " pids, " + metrics.size() + " metrics addresses");
        }
        List<TrackerSampler.Target> workers = new ArrayList<>();
        for (int i = 0; i < Math.max(pids.size(), metrics.size()); i++) {
            workers.add(new TrackerSampler.Target(i < pids.size() ? pids.get(i) : 0,
                    i < metrics.size() ? metrics.get(i) : null));
        }
        FloodOptions o = new FloodOptions(
                args.string("scenario", "flood"),
                new InetSocketAddress(address, args.integer("port", 6969)),
                args.duration("duration", Duration.ofSeconds(60)),
                args.longValue("count", 1_000_000_000),
                args.integer("window", 256),
                args.duration("timeout", Duration.ofSeconds(1)),
                args.integer("sources", 1),
                args.longValue("limit-bytes", 1L << 30),
                workers,
                args.integer("good-clients", 4),
                args.decimal("good-rate", 200),
                args.integer("good-torrents", 500),
                args.integer("good-peers", 1000),
                args.longValue("seed", 42),
                args.string("json", null));
        o.validate();
        return o;
    }

    private static List<String> list(String commaSeparated) {
        List<String> out = new ArrayList<>();
        for (String s : commaSeparated.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    void validate() {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("--limit-bytes must be positive: " + limitBytes);
        }
        if (goodClients < 1 || goodRate <= 0 || goodTorrents < 1 || goodPeers < goodClients) {
            throw new IllegalArgumentException("--good-clients, --good-rate and --good-torrents must be positive,"
                    + " --good-peers at least --good-clients");
        }
        flood().validate();
        goodFill().validate();
    }

    /** Each announce for a torrent never seen before, one peer each, as fast as the window allows. */
    public LoadOptions flood() {
        TorrentModel model = new TorrentModel(1, sources, sources, 1.0, 0, seed ^ FLOOD_SEED_MIX);
        return new LoadOptions(scenario, "tracker", target, Duration.ZERO, duration, count, window, timeout, 30, 0,
                1, false, true, false, false, false, 0, 0, true, model, seed, 0, null, 0);
    }

    /** Every well-behaved peer announces once, paced under the per-client limits. */
    public LoadOptions goodFill() {
        return good(true, GOOD_FILL_RATE, Duration.ofSeconds(60), GOOD_FILL_TIMEOUT);
    }

    /** The well-behaved peers re-announce the torrents of the fill, in turn, at a modest rate while the flood lasts. */
    public LoadOptions goodLoad() {
        return good(false, goodRate, duration, timeout);
    }

    /** Bounded by time only: a fill ends once every peer has announced (--count would count its connects too). */
    private LoadOptions good(boolean fill, double rate, Duration runFor, Duration wait) {
        TorrentModel model = new TorrentModel(goodTorrents, goodPeers, goodClients, 1.0, 0.75, seed);
        return new LoadOptions(scenario + "-well-behaved", "tracker", target, Duration.ZERO, runFor, Long.MAX_VALUE,
                16, wait, 30, 0, 1, false, true, fill, !fill, false, rate, sources, false, model, seed, 0, null, 0);
    }
}
