package dev.kubetracker.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one load run: a JSON line for scripts ({@link #toJson()}, read back by {@link #fromJson})
 * and a few lines for people ({@link #toText()}).
 */
public record RunReport(String scenario, String tracker, int start, String target, double seconds,
                        List<RequestStats.Summary> kinds, long lateReplies, long reconnects, long sendFailures,
                        double trackerCpuSeconds, double peersPerAnnounce) {

    public RequestStats.Summary kind(String name) {
        for (RequestStats.Summary s : kinds) {
            if (s.kind().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** Successful replies of {@code kind} per second of tracker CPU time (0 when the CPU time is unknown). */
    public double ratePerTrackerCpuSecond(String kind) {
        RequestStats.Summary s = kind(kind);
        return s == null || trackerCpuSeconds <= 0 ? 0 : s.ok() / trackerCpuSeconds;
    }

    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", scenario);
        root.put("tracker", tracker);
        root.put("start", start);
        root.put("target", target);
        root.put("seconds", seconds);
        root.put("late_replies", lateReplies);
        root.put("reconnects", reconnects);
        root.put("send_failures", sendFailures);
        root.put("tracker_cpu_seconds", trackerCpuSeconds);
        root.put("peers_per_announce", peersPerAnnounce);
        for (RequestStats.Summary s : kinds) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("ok", s.ok());
            k.put("rate", s.rate());
            k.put("p50_us", s.p50Micros());
            k.put("p99_us", s.p99Micros());
            k.put("p999_us", s.p999Micros());
            k.put("error_replies", s.errorReplies());
            k.put("invalid", s.invalid());
            k.put("timeouts", s.timeouts());
            root.put(s.kind(), k);
        }
        return Json.write(root);
    }

    @SuppressWarnings("unchecked")
    public static RunReport fromJson(String line) {
        Map<String, Object> root = (Map<String, Object>) Json.parse(line);
        List<RequestStats.Summary> kinds = new ArrayList<>();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            if (e.getValue() instanceof Map) {
                Map<String, Object> k = (Map<String, Object>) e.getValue();
                kinds.add(new RequestStats.Summary(e.getKey(), num(k, "ok").longValue(),
                        num(k, "error_replies").longValue(), num(k, "invalid").longValue(),
                        num(k, "timeouts").longValue(), num(k, "rate").doubleValue(), num(k, "p50_us").doubleValue(),
                        num(k, "p99_us").doubleValue(), num(k, "p999_us").doubleValue()));
            }
        }
        return new RunReport((String) root.get("scenario"), (String) root.get("tracker"), num(root, "start").intValue(),
                (String) root.get("target"), num(root, "seconds").doubleValue(), kinds,
                num(root, "late_replies").longValue(), num(root, "reconnects").longValue(),
                num(root, "send_failures").longValue(), num(root, "tracker_cpu_seconds").doubleValue(),
                num(root, "peers_per_announce").doubleValue());
    }

    private static Number num(Map<String, Object> map, String key) {
        Object v = map.get(key);
        return v instanceof Number ? (Number) v : 0;
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s against %s (%s), %.1f s measured%s%n", scenario, tracker, target, seconds,
                trackerCpuSeconds > 0 ? String.format(Locale.ROOT, ", tracker CPU %.2f s (%.0f%% of one core)",
                        trackerCpuSeconds, 100 * trackerCpuSeconds / seconds) : ""));
        b.append(String.format(Locale.ROOT, "  %-9s %10s %12s %9s %9s %9s %8s %8s %8s%n", "request", "ok", "per second",
                "p50 µs", "p99 µs", "p99.9 µs", "errors", "invalid", "timeouts"));
        for (RequestStats.Summary s : kinds) {
            if (s.ok() + s.failures() == 0) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "  %-9s %10d %12.0f %9.0f %9.0f %9.0f %8d %8d %8d%n", s.kind(), s.ok(),
                    s.rate(), s.p50Micros(), s.p99Micros(), s.p999Micros(), s.errorReplies(), s.invalid(),
                    s.timeouts()));
        }
        if (peersPerAnnounce > 0) {
            b.append(String.format(Locale.ROOT, "  %.1f peers per announce reply%n", peersPerAnnounce));
        }
        if (lateReplies > 0 || reconnects > 0 || sendFailures > 0) {
            b.append(String.format(Locale.ROOT, "  late replies %d, reconnects %d, send failures %d%n", lateReplies,
                    reconnects, sendFailures));
        }
        return b.toString();
    }
}
