package dev.kubetracker.worker.stats;

import dev.kubetracker.worker.cluster.SyncStats;
import dev.kubetracker.worker.logic.ClientLimits;
import dev.kubetracker.worker.swarm.InfoHash;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.swarm.TorrentRows;

/**
 * The text of opentracker's {@code /stats} modes, from our counters and store, so that MRTG scripts
 * and opentracker exporters read kubetracker unchanged. Layouts follow opentracker byte for byte
 * (four MRTG lines without a final newline; {@code everything} as XML with its whole {@code <debug>}),
 * zeros where we keep no such count. The prose lines name the product as opentracker does, because
 * parsers match that word; {@code version} names kubetracker.
 */
public final class TrackerStats {
    /** The word opentracker's text modes print and its parsers match. */
    public static final String OPENTRACKER = "opentracker";
    /** opentracker's renew counts: intervals of a minute, 00 to 44. */
    private static final int RENEW_INTERVALS = 45;

    private final String product;
    private final SwarmStore store;
    private final RequestCounters counters;
    private final long startMillis;
    private final String version;
    private final int trackerId;
    private final ClientLimits limits;
    /** The cluster's counters once it has started; null for a standalone worker. */
    private volatile SyncStats cluster;

    public TrackerStats(SwarmStore store, RequestCounters counters, String version, int trackerId) {
        this(store, counters, version, trackerId, ClientLimits.none(), OPENTRACKER);
    }

    /** @param product the word the text modes print; one word of printable ASCII, or parsers would split it */
    public TrackerStats(SwarmStore store, RequestCounters counters, String version, int trackerId,
                        ClientLimits limits, String product) {
        if (!product.matches("[!-~]+")) {
            throw new IllegalArgumentException("tracker.stats.product-name must be one word of printable ASCII: '"
                    + product + "'");
        }
        this.product = product;
        this.limits = limits;
        this.store = store;
        this.counters = counters;
        this.version = version;
        this.trackerId = trackerId;
        this.startMillis = System.currentTimeMillis();
    }

    /** Shows the cluster's figures in {@code mode=cluster}. */
    public void showCluster(SyncStats cluster) {
        this.cluster = cluster;
    }

    public long uptimeSeconds() {
        return (System.currentTimeMillis() - startMillis) / 1000;
    }

    private static final java.util.Set<String> MODES = java.util.Set.of("peer", "torr", "conn", "udp4", "tcp4", "scrp",
            "fscr", "completed", "top10", "top100", "version", "everything", "herr", "renew", "refusals", "woodpeckers",
            "cluster");

    /** Whether {@link #render} knows the mode (tpbs is streamed elsewhere). */
    public boolean knows(String mode) {
        return MODES.contains(mode);
    }

    /** Text for a simple mode, or null when the mode is unknown (tpbs is streamed elsewhere). */
    public String render(String mode) {
        return switch (mode) {
            case "peer" -> mrtg(store.seeders() + store.leechers(), store.seeders(),
                    product + " serving " + store.torrents() + " torrents", product);
            case "torr" -> {
                long torrents = store.torrents();
                yield mrtg(torrents, 0, product + " serving " + torrents + " torrents", product);
            }
            case "conn" -> rates(product + " connections", counters.tcpAccepts() + counters.udpPackets(),
                    announcesAndConnects());
            case "udp4" -> rates(product + " udp4 stats", counters.udpPackets(),
                    counters.announces(RequestCounters.Protocol.UDP) + counters.connects(4) + counters.connects(6));
            case "tcp4" -> rates(product + " tcp4 stats", counters.tcpAccepts(),
                    counters.announces(RequestCounters.Protocol.HTTP));
            case "scrp" -> {
                long tcp = counters.scrapes(RequestCounters.Protocol.HTTP);
                long udp = counters.scrapes(RequestCounters.Protocol.UDP);
                yield mrtg(tcp, udp, uptimeLine(), product + " scrape stats, " + (tcp + udp) / perSecond()
                        + " scrape/s (tcp and udp)");
            }
            case "fscr" -> {
                long count = counters.fullScrapes(false) + counters.fullScrapes(true);
                long bytes = counters.fullScrapeBytes();
                yield mrtg(count, bytes, uptimeLine(), product + " full scrape stats, " + count / perSecond()
                        + " conns/s :: " + bytes / perSecond() + " bytes/s.");
            }
            case "completed" -> {
                long completed = store.completed();
                long hours = Math.max(1, uptimeSeconds() / 3600);
                yield mrtg(completed, 0, uptimeLine(), product + ", " + completed / hours + " completed/h.");
            }
            case "top10" -> top(10);
            case "top100" -> top(100);
            case "version" -> "kubetracker " + version + "\n";
            case "everything" -> everything();
            case "herr" -> httpErrors();
            case "renew" -> renews();
            case "refusals" -> refusals();
            case "woodpeckers" -> woodpeckers();
            case "cluster" -> cluster();
            default -> null;
        };
    }

    private long announcesAndConnects() {
        return counters.announces(RequestCounters.Protocol.HTTP) + counters.announces(RequestCounters.Protocol.UDP)
                + counters.connects(4) + counters.connects(6);
    }

    private long perSecond() {
        return Math.max(1, uptimeSeconds());
    }

    private String uptimeLine() {
        long t = uptimeSeconds();
        return t + " seconds (" + t / 3600 + " hours)";
    }

    private String rates(String name, long first, long second) {
        return mrtg(first, second, uptimeLine(), name + ", " + first / perSecond() + " conns/s :: "
                + second / perSecond() + " success/s.");
    }

    private static String mrtg(long first, long second, String third, String fourth) {
        return first + "\n" + second + "\n" + third + "\n" + fourth;
    }

    /** Torrents with the most peers, then with the most seeders, as opentracker's two sections; both families. */
    private String top(int n) {
        TopList peers = new TopList(n);
        TopList seeders = new TopList(n);
        TorrentRows rows = new TorrentRows();
        for (int shard = 0; shard < store.shardCount(); shard++) {
            store.copySortedShard(shard, rows);
            for (int row = 0; row < rows.size(); row++) {
                String hex = null;
                int s = rows.seeders(row);
                int l = rows.leechers(row);
                if (peers.accepts(s + l)) {
                    peers.add(s + l, hex = hex(rows, row));
                }
                if (seeders.accepts(s)) {
                    seeders.add(s, hex != null ? hex : hex(rows, row));
                }
            }
        }
        return "Top " + n + " torrents by peers:\n" + peers + "Top " + n + " torrents by seeds:\n" + seeders;
    }

    private static String hex(TorrentRows rows, int row) {
        return InfoHash.toHex(rows.high(row), rows.middle(row), rows.low(row)).toUpperCase();
    }

    /** The N largest counts seen, largest first; only counts above zero. */
    private static final class TopList {
        private final long[] counts;
        private final String[] hashes;
        private int size;

        TopList(int n) {
            counts = new long[n];
            hashes = new String[n];
        }

        boolean accepts(long count) {
            return count > 0 && (size < counts.length || count > counts[size - 1]);
        }

        void add(long count, String hash) {
            int i = Math.min(size, counts.length - 1);
            while (i > 0 && counts[i - 1] < count) {
                counts[i] = counts[i - 1];
                hashes[i] = hashes[i - 1];
                i--;
            }
            counts[i] = count;
            hashes[i] = hash;
            size = Math.min(size + 1, counts.length);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < size; i++) {
                s.append('\t').append(counts[i]).append('\t').append(hashes[i]).append('\n');
            }
            return s.toString();
        }
    }

    private String everything() {
        StringBuilder x = new StringBuilder(4096);
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<stats>\n");
        x.append("  <tracker_id>").append(trackerId).append("</tracker_id>\n");
        x.append("  <version>\nkubetracker ").append(version).append("\n  </version>\n");
        x.append("  <uptime>").append(uptimeSeconds()).append("</uptime>\n");
        long torrents = store.torrents();
        x.append("  <torrents>\n    <count_mutex>").append(torrents).append("</count_mutex>\n")
                .append("    <count_iterator>").append(torrents).append("</count_iterator>\n  </torrents>\n");
        long seeders = store.seeders();
        x.append("  <peers>\n    <count>").append(seeders + store.leechers()).append("</count>\n  </peers>\n");
        x.append("  <seeds>\n    <count>").append(seeders).append("</count>\n  </seeds>\n");
        x.append("  <completed>\n    <count>").append(store.completed()).append("</count>\n  </completed>\n");
        x.append("  <connections>\n    <tcp>\n")
                .append("      <accept>").append(counters.tcpAccepts()).append("</accept>\n")
                .append("      <announce>").append(counters.announces(RequestCounters.Protocol.HTTP)).append("</announce>\n")
                .append("      <scrape>").append(counters.scrapes(RequestCounters.Protocol.HTTP)).append("</scrape>\n")
                .append("    </tcp>\n    <udp>\n")
                .append("      <overall>").append(counters.udpPackets()).append("</overall>\n")
                .append("      <connect>").append(counters.connects(4) + counters.connects(6)).append("</connect>\n")
                .append("      <announce>").append(counters.announces(RequestCounters.Protocol.UDP)).append("</announce>\n")
                .append("      <scrape>").append(counters.scrapes(RequestCounters.Protocol.UDP)).append("</scrape>\n")
                .append("      <missmatch>").append(counters.errors(RequestCounters.Protocol.UDP,
                        RequestCounters.ErrorReason.BAD_CONNECTION_ID)).append("</missmatch>\n")
                .append("    </udp>\n    <livesync>\n      <count>0</count>\n    </livesync>\n  </connections>\n");
        // opentracker always writes the whole <debug>: consumers read it by path and by position.
        x.append("  <debug>\n    <renew>\n");
        for (int interval = 0; interval < RENEW_INTERVALS; interval++) {
            x.append("      <count interval=\"").append(twoDigits(interval)).append("\">0</count>\n");
        }
        x.append("    </renew>\n    <http_error>\n");
        for (OpentrackerHttpError error : OpentrackerHttpError.values()) {
            x.append("      <count code=\"").append(error.code).append("\">").append(error.count(counters))
                    .append("</count>\n");
        }
        x.append("    </http_error>\n    <mutex_stall>\n      <count>0</count>\n    </mutex_stall>\n  </debug>\n</stats>");
        return x.toString();
    }

    /** opentracker's {@code herr}: seven of its nine HTTP error codes, by short label. */
    private String httpErrors() {
        StringBuilder s = new StringBuilder();
        for (OpentrackerHttpError error : OpentrackerHttpError.values()) {
            if (error.herrLabel != null) {
                s.append(error.herrLabel).append(' ').append(error.count(counters)).append('\n');
            }
        }
        return s.toString();
    }

    /**
     * opentracker's {@code renew}: how many re-announces came after each number of minutes. Peers keep
     * only their minute last seen, so we count none: the lines are there, with zeros.
     */
    private static String renews() {
        StringBuilder s = new StringBuilder();
        for (int interval = 0; interval < RENEW_INTERVALS; interval++) {
            s.append(twoDigits(interval)).append(" 0\n");
        }
        return s.toString();
    }

    private static String twoDigits(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }

    /** The cluster's sync figures, one "name value" line each: what was lost, and what anti-entropy repaired. */
    private String cluster() {
        SyncStats c = cluster;
        if (c == null) {
            return "standalone\n";
        }
        StringBuilder s = new StringBuilder();
        long digest = 0;
        for (int shard = 0; shard < store.shardCount(); shard++) {
            digest ^= store.digest(shard);
        }
        // Equal on siblings that hold the same peers (address, port, seeder bit): one line to compare pods by.
        s.append("state_digest ").append(String.format("%016x", digest)).append('\n');
        line(s, "datagrams_received", c.datagramsReceived());
        line(s, "datagrams_lost", c.datagramsLost());
        for (SyncStats.Drop reason : SyncStats.Drop.values()) {
            line(s, "datagrams_dropped_" + reason.tag(), c.drops(reason));
        }
        for (SyncStats.Round outcome : SyncStats.Round.values()) {
            line(s, "anti_entropy_rounds_" + outcome.tag(), c.rounds(outcome));
        }
        line(s, "anti_entropy_shards_pulled", c.shardsPulled());
        line(s, "anti_entropy_peers_added", c.peersAddedByRepair());
        line(s, "anti_entropy_peers_removed", c.peersRemovedByRepair());
        line(s, "anti_entropy_bytes_sent", c.antiEntropyBytesSent());
        line(s, "anti_entropy_bytes_received", c.antiEntropyBytesReceived());
        return s.toString();
    }

    private static void line(StringBuilder s, String name, long value) {
        s.append(name).append(' ').append(value).append('\n');
    }

    /** Every refusal and error counted since start, one line each: protocol, reason, count (non-zero only). */
    private String refusals() {
        StringBuilder s = new StringBuilder();
        s.append("store bytes ").append(store.bytes()).append(" of budget ")
                .append(store.budgetBytes() == Long.MAX_VALUE ? "unlimited" : Long.toString(store.budgetBytes()))
                .append('\n');
        for (RequestCounters.Protocol p : RequestCounters.Protocol.values()) {
            for (RequestCounters.ErrorReason reason : RequestCounters.ErrorReason.values()) {
                long n = counters.errors(p, reason);
                if (n > 0) {
                    s.append(p.tag()).append(' ').append(reason.tag()).append(' ').append(n).append('\n');
                }
            }
        }
        return s.toString();
    }

    /**
     * opentracker's woodpeckers, from the limits table: the clients refused most often by their
     * per-client limits (at most 100, while they hold their place in the bounded table), most first.
     */
    private String woodpeckers() {
        StringBuilder s = new StringBuilder();
        for (ClientLimits.Refused r : limits.mostRefused(100)) {
            s.append(clientText(r.client())).append(' ').append(r.refusals()).append('\n');
        }
        return s.toString();
    }

    /** A limits key as an operator reads it: an IPv4 address, or an IPv6 /64. */
    static String clientText(long client) {
        if ((client >>> 32) == 0xFFFF) {
            int v4 = (int) client;
            return (v4 >>> 24) + "." + ((v4 >>> 16) & 0xFF) + "." + ((v4 >>> 8) & 0xFF) + "." + (v4 & 0xFF);
        }
        StringBuilder s = new StringBuilder(24);
        for (int group = 0; group < 4; group++) {
            s.append(Integer.toHexString((int) (client >>> (48 - 16 * group)) & 0xFFFF)).append(':');
        }
        return s.append(":/64").toString();
    }
}
