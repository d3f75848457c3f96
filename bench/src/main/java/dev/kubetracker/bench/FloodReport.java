package dev.kubetracker.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of a flood run: when the tracker began to refuse and what it held then, each worker's peak
 * RSS against the memory limit and whether it lived to the end, the flood's answers by kind, and how the
 * well-behaved clients fared meanwhile. A JSON line ({@link #toJson()}) and a few lines for people.
 *
 * @param firstFullSeconds     when the flood got its first "tracker full", from the flood's start; -1: never
 * @param firstRateLimitedSeconds the same for the first "rate limited"
 * @param samples              per worker (the flooded one first), the sampler's looks, oldest first
 */
public record FloodReport(String scenario, String target, int sources, double seconds, long limitBytes,
                          Answers flood, Answers wellBehaved, long wellBehavedKnownPeers, double firstFullSeconds,
                          double firstRateLimitedSeconds, List<Long> pids, List<List<TrackerSampler.Sample>> samples) {

    /** Announce answers by kind; rate and latency are of the served ones. */
    public record Answers(long served, long full, long rateLimited, long otherErrors, long invalid, long silent,
                          double rate, double p50Micros, double p99Micros) {

        public static Answers of(RequestStats.Summary announces, Refusals refusals) {
            long full = refusals.count(Refusals.Kind.TRACKER_FULL);
            long limited = refusals.count(Refusals.Kind.RATE_LIMITED);
            return new Answers(announces.ok(), full, limited, announces.errorReplies() - full - limited,
                    announces.invalid(), announces.timeouts(), announces.rate(), announces.p50Micros(),
                    announces.p99Micros());
        }

        public long total() {
            return served + full + rateLimited + otherErrors + invalid + silent;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("served", served);
            m.put("full", full);
            m.put("rate_limited", rateLimited);
            m.put("other_errors", otherErrors);
            m.put("invalid", invalid);
            m.put("silent", silent);
            m.put("served_per_second", rate);
            m.put("p50_us", p50Micros);
            m.put("p99_us", p99Micros);
            return m;
        }
    }

    /** The flooded worker's first sample with metrics at or after {@code seconds}; null if none (or never). */
    public TrackerSampler.Sample heldAt(double seconds) {
        if (seconds < 0 || samples.isEmpty()) {
            return null;
        }
        for (TrackerSampler.Sample s : samples.get(0)) {
            if (s.seconds() >= seconds && s.metrics() != null) {
                return s;
            }
        }
        return null;
    }

    /** The highest RSS sampled of worker {@code w}, -1 when none was read. */
    public long peakRss(int w) {
        long peak = -1;
        for (TrackerSampler.Sample s : samples.get(w)) {
            peak = Math.max(peak, s.rssBytes());
        }
        return peak;
    }

    /** Whether worker {@code w} was alive at every look, the last one taken after the flood ended. */
    public boolean aliveToTheEnd(int w) {
        List<TrackerSampler.Sample> s = samples.get(w);
        return !s.isEmpty() && s.stream().allMatch(TrackerSampler.Sample::alive);
    }

    /** Worker {@code w}'s last metrics read, or null. */
    public TrackerMetrics lastMetrics(int w) {
        List<TrackerSampler.Sample> s = samples.get(w);
        for (int i = s.size() - 1; i >= 0; i--) {
            if (s.get(i).metrics() != null) {
                return s.get(i).metrics();
            }
        }
        return null;
    }

    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", scenario);
        root.put("target", target);
        root.put("flood_sources", sources);
        root.put("seconds", seconds);
        root.put("limit_bytes", limitBytes);
        root.put("first_full_s", firstFullSeconds < 0 ? null : firstFullSeconds);
        root.put("at_first_full", heldMap(heldAt(firstFullSeconds)));
        root.put("first_rate_limited_s", firstRateLimitedSeconds < 0 ? null : firstRateLimitedSeconds);
        root.put("at_first_rate_limited", heldMap(heldAt(firstRateLimitedSeconds)));
        root.put("flood", flood.toMap());
        Map<String, Object> good = wellBehaved.toMap();
        good.put("known_peers", wellBehavedKnownPeers);
        root.put("well_behaved", good);
        List<Object> workers = new ArrayList<>();
        for (int w = 0; w < samples.size(); w++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", w < pids.size() ? pids.get(w) : 0);
            m.put("alive", aliveToTheEnd(w));
            m.put("peak_rss_bytes", peakRss(w));
            m.put("peak_rss_of_limit", peakRss(w) < 0 ? null : (double) peakRss(w) / limitBytes);
            TrackerMetrics last = lastMetrics(w);
            if (last != null) {
                m.put("torrents", last.torrents());
                m.put("peers", last.peers());
                m.put("store_bytes", last.storeBytes());
                m.put("store_budget_bytes", last.budgetBytes());
                Map<String, Object> errors = new LinkedHashMap<>();
                last.errors().forEach((reason, n) -> {
                    if (n > 0) {
                        errors.put(reason, n);
                    }
                });
                m.put("errors", errors);
            }
            m.put("samples", samples.get(w).size());
            workers.add(m);
        }
        root.put("workers", workers);
        return Json.write(root);
    }

    private static Map<String, Object> heldMap(TrackerSampler.Sample s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sample_s", s.seconds());
        m.put("torrents", s.metrics().torrents());
        m.put("peers", s.metrics().peers());
        m.put("store_bytes", s.metrics().storeBytes());
        m.put("rss_bytes", s.rssBytes());
        return m;
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "flood %s against %s from %d source address(es), %.1f s, limit %s%n",
                scenario, target, sources, seconds, mib(limitBytes)));
        held(b, "first 'tracker full'", firstFullSeconds);
        held(b, "first 'rate limited'", firstRateLimitedSeconds);
        b.append(String.format(Locale.ROOT,
                "  flood answers: %d served, %d full, %d rate limited, %d other errors, %d invalid, %d silent%n",
                flood.served(), flood.full(), flood.rateLimited(), flood.otherErrors(), flood.invalid(),
                flood.silent()));
        b.append(String.format(Locale.ROOT, "  well-behaved (%d known peers): %.0f served/s"
                        + " (p50 %.0f µs, p99 %.0f µs); %d served, %d full, %d rate limited, %d other errors, %d invalid, %d silent%n",
                wellBehavedKnownPeers, wellBehaved.rate(), wellBehaved.p50Micros(), wellBehaved.p99Micros(),
                wellBehaved.served(), wellBehaved.full(), wellBehaved.rateLimited(), wellBehaved.otherErrors(),
                wellBehaved.invalid(), wellBehaved.silent()));
        for (int w = 0; w < samples.size(); w++) {
            TrackerMetrics last = lastMetrics(w);
            long peak = peakRss(w);
            b.append(String.format(Locale.ROOT, "  worker %d (pid %d): %s, peak RSS %s (%s of the limit)", w + 1,
                    w < pids.size() ? pids.get(w) : 0, aliveToTheEnd(w) ? "alive to the end" : "DIED",
                    peak < 0 ? "unknown" : mib(peak),
                    peak < 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * peak / limitBytes)));
            if (last != null) {
                b.append(String.format(Locale.ROOT, "; at the end %d torrents, %d peers, store %s of %s",
                        last.torrents(), last.peers(), mib(last.storeBytes()),
                        last.budgetBytes() < 0 ? "no budget" : mib(last.budgetBytes())));
                last.errors().forEach((reason, n) -> {
                    if (n > 0) {
                        b.append("; ").append(reason).append(' ').append(n);
                    }
                });
            }
            b.append(System.lineSeparator());
        }
        return b.toString();
    }

    private void held(StringBuilder b, String what, double at) {
        if (at < 0) {
            b.append("  ").append(what).append(": never").append(System.lineSeparator());
            return;
        }
        TrackerSampler.Sample s = heldAt(at);
        b.append(String.format(Locale.ROOT, "  %s at %.1f s", what, at));
        if (s != null) {
            b.append(String.format(Locale.ROOT,
                    "; held then (sample at %.1f s): %d torrents, %d peers, store %s, RSS %s",
                    s.seconds(), s.metrics().torrents(), s.metrics().peers(), mib(s.metrics().storeBytes()),
                    s.rssBytes() < 0 ? "unknown" : mib(s.rssBytes())));
        }
        b.append(System.lineSeparator());
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
