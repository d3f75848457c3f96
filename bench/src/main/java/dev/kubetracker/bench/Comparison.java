package dev.kubetracker.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side table from many runs: per scenario, the median over rounds of each tracker's announce
 * rate, announces per second of tracker CPU, and p99 latency, with the ratio of the first tracker to the
 * second (above 1 means more announces, or a longer p99).
 */
public final class Comparison {
    private final String ours;
    private final String theirs;
    private final Map<String, Map<String, List<RunReport>>> byScenario = new LinkedHashMap<>();

    public Comparison(String ours, String theirs) {
        this.ours = ours;
        this.theirs = theirs;
    }

    public void add(RunReport run) {
        byScenario.computeIfAbsent(run.scenario(), k -> new LinkedHashMap<>())
                .computeIfAbsent(run.tracker(), k -> new ArrayList<>()).add(run);
    }

    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /** A Markdown table. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "| scenario | rounds | %1$s announces/s | %2$s announces/s | ratio "
                + "| %1$s per tracker CPU-s | %2$s per tracker CPU-s | ratio | %1$s p99 µs | %2$s p99 µs | ratio "
                + "| failures (%1$s / %2$s) |%n", ours, theirs));
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, List<RunReport>>> e : byScenario.entrySet()) {
            List<RunReport> a = e.getValue().getOrDefault(ours, List.of());
            List<RunReport> t = e.getValue().getOrDefault(theirs, List.of());
            double rateA = med(a, r -> announce(r).rate());
            double rateT = med(t, r -> announce(r).rate());
            double cpuA = med(a, r -> r.ratePerTrackerCpuSecond("announce"));
            double cpuT = med(t, r -> r.ratePerTrackerCpuSecond("announce"));
            double p99A = med(a, r -> announce(r).p99Micros());
            double p99T = med(t, r -> announce(r).p99Micros());
            b.append(String.format(Locale.ROOT, "| %s | %d / %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d / %d |%n",
                    e.getKey(), a.size(), t.size(), fmt(rateA), fmt(rateT), ratio(rateA, rateT), fmt(cpuA), fmt(cpuT),
                    ratio(cpuA, cpuT), fmt(p99A), fmt(p99T), ratio(p99A, p99T), failures(a), failures(t)));
        }
        return b.toString();
    }

    private static RequestStats.Summary announce(RunReport r) {
        RequestStats.Summary s = r.kind("announce");
        return s != null ? s : new RequestStats.Summary("announce", 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private static long failures(List<RunReport> runs) {
        return runs.stream().mapToLong(r -> r.kinds().stream().mapToLong(RequestStats.Summary::failures).sum()).sum();
    }

    private static double med(List<RunReport> runs, ToDoubleFunction<RunReport> f) {
        double[] v = runs.stream().mapToDouble(f).filter(x -> x > 0).toArray();
        return median(v);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "—" : String.format(Locale.ROOT, "%.2f", a / b);
    }
}
