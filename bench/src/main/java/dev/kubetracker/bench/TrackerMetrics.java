package dev.kubetracker.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * The few figures a flood run follows, read from a worker's Prometheus text ({@code /q/metrics}): its
 * store's size and budget, torrents, peers (both roles) and errors by reason (all protocols).
 *
 * @param budgetBytes the store's budget, or -1 when it has none (the gauge reads +Inf)
 */
public record TrackerMetrics(long storeBytes, long budgetBytes, long torrents, long peers, Map<String, Long> errors) {

    public long errors(String reason) {
        return errors.getOrDefault(reason, 0L);
    }

    public static TrackerMetrics parse(String text) {
        long store = 0;
        long budget = -1;
        long torrents = 0;
        long peers = 0;
        Map<String, Long> errors = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String series = line.substring(0, space).trim();
            double value = value(line.substring(space + 1).trim());
            int brace = series.indexOf('{');
            String name = brace < 0 ? series : series.substring(0, brace);
            switch (name) {
                case "tracker_store_bytes" -> store = (long) value;
                case "tracker_store_budget_bytes" -> budget = Double.isInfinite(value) ? -1 : (long) value;
                case "tracker_torrents" -> torrents = (long) value;
                case "tracker_peers" -> peers += (long) value;
                case "tracker_errors_total" -> errors.merge(label(series, "reason"), (long) value, Long::sum);
                default -> {
                }
            }
        }
        return new TrackerMetrics(store, budget, torrents, peers, errors);
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    yield Double.NaN;
                }
            }
        };
    }

    /** The value of label {@code name} in {@code series} (e.g. {@code x{a="1",reason="tracker_full"}}), or "". */
    static String label(String series, String name) {
        String key = name + "=\"";
        int at = series.indexOf(key);
        while (at > 0 && series.charAt(at - 1) != '{' && series.charAt(at - 1) != ',') {
            at = series.indexOf(key, at + 1);
        }
        if (at < 0) {
            return "";
        }
        int from = at + key.length();
        int to = series.indexOf('"', from);
        return to < 0 ? "" : series.substring(from, to);
    }
}
