package dev.kubetracker.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side tables from runs over fresh starts of each tracker: per workload and tracker, the min /
 * median / max over starts of the request rate, requests per second of tracker CPU, p99 and p99.9 latency;
 * then the ratios of ours to theirs per CPU-second (worst start: our slowest against their fastest; our slowest
 * against their median; medians), and for UDP our raw rate against the ceiling's median raw rate; and whether
 * our spread over starts is within theirs. Each ratio also start by start
 * ("paired"): a start runs the trackers one after the other within minutes, so a slow spell of the machine
 * that spans a start weighs on both sides of its ratio. A run counts announces, or scrapes when it answered
 * no announce (a scrape-only workload).
 */
public final class Comparison {
    /** The worst-start ratio per CPU-second every UDP workload should reach. */
    static final double UDP_RATIO_TARGET = 1.5;
    /** The share of the ceiling's median raw rate udp-w64 should reach in its slowest start. */
    static final double CEILING_SHARE_TARGET = 0.75;
    static final String CEILING_WORKLOAD = "udp-w64";

    private final String ours;
    private final String theirs;
    private final String ceiling;
    private final Map<String, Map<String, List<RunReport>>> byWorkload = new LinkedHashMap<>();

    public Comparison(String ours, String theirs, String ceiling) {
        this.ours = ours;
        this.theirs = theirs;
        this.ceiling = ceiling;
    }

    public void add(RunReport run) {
        byWorkload.computeIfAbsent(run.scenario(), k -> new LinkedHashMap<>())
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

    /** The smallest, median and largest of some values (NaN for none). */
    record Spread(double min, double median, double max) {
        static Spread of(List<RunReport> runs, ToDoubleFunction<RunReport> f) {
            double[] v = runs.stream().mapToDouble(f).filter(x -> x > 0).toArray();
            if (v.length == 0) {
                return new Spread(Double.NaN, Double.NaN, Double.NaN);
            }
            return new Spread(Arrays.stream(v).min().getAsDouble(), Comparison.median(v),
                    Arrays.stream(v).max().getAsDouble());
        }

        String text() {
            return fmt(min) + " / " + fmt(median) + " / " + fmt(max);
        }
    }

    /** Markdown: the per-tracker table, the ratio table, then the verdicts on the targets. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append("Per tracker, min / median / max over fresh starts (requests: announces, or scrapes for a "
                + "scrape-only workload):\n\n");
        b.append("| workload | tracker | starts | requests/s | requests per tracker CPU-s | p99 µs | p99.9 µs "
                + "| peers per announce (median) | failures |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, List<RunReport>>> e : byWorkload.entrySet()) {
            for (Map.Entry<String, List<RunReport>> t : e.getValue().entrySet()) {
                List<RunReport> runs = t.getValue();
                double peers = median(runs.stream().mapToDouble(RunReport::peersPerAnnounce).toArray());
                b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %d |%n", e.getKey(),
                        t.getKey(), runs.size(), rate(runs).text(), perCpu(runs).text(),
                        Spread.of(runs, r -> main(r).p99Micros()).text(),
                        Spread.of(runs, r -> main(r).p999Micros()).text(), fmt(peers), failures(runs)));
            }
        }
        b.append(String.format(Locale.ROOT, "%nRatios: %1$s / %2$s per tracker CPU-second (worst start: %1$s's "
                + "lowest against %2$s's highest; slowest start: %1$s's lowest against %2$s's median; median: median "
                + "against median); %1$s's raw rate as a share of "
                + "%3$s's median raw rate (slowest start: %1$s's lowest; median) and per CPU-second (median; the raw rate "
                + "is the load generator's bound when the tracker's core is not full); paired: the lowest over starts of "
                + "the ratio to the other's run of the same start:%n%n", ours, theirs, ceiling));
        b.append(String.format(Locale.ROOT, "| workload | %1$s/%2$s per CPU-s, worst start | %1$s/%2$s per CPU-s, "
                + "slowest start | %1$s/%2$s per CPU-s, median | %1$s/%3$s raw rate, slowest start | %1$s/%3$s raw rate, median "
                + "| %1$s/%3$s per CPU-s, median | %1$s/%2$s per CPU-s, paired | %1$s/%3$s raw rate, paired |%n",
                ours, theirs, ceiling));
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        List<String> belowTargetPaired = new ArrayList<>();
        List<String> belowTarget = new ArrayList<>();
        List<String> belowTargetSlowest = new ArrayList<>();
        List<String> widerSpread = new ArrayList<>();
        int udpWorkloads = 0;
        for (String workload : byWorkload.keySet()) {
            Spread a = perCpu(runs(workload, ours));
            Spread t = perCpu(runs(workload, theirs));
            Spread rateA = rate(runs(workload, ours));
            Spread rateC = rate(runs(workload, ceiling));
            Spread c = perCpu(runs(workload, ceiling));
            double worst = a.min() / t.max();
            double slowest = a.min() / t.median();
            double pairedRatio = worstPaired(workload, theirs, Comparison::perCpu);
            double pairedShare = worstPaired(workload, ceiling, r -> main(r).rate());
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", workload,
                    ratio(worst, 1), ratio(slowest, 1), ratio(a.median(), t.median()), share(rateA.min(), rateC.median()),
                    share(rateA.median(), rateC.median()), share(a.median(), c.median()), ratio(pairedRatio, 1),
                    share(pairedShare, 1)));
            if (isUdpWorkload(workload)) {
                udpWorkloads++;
                if (!(worst >= UDP_RATIO_TARGET)) {
                    belowTarget.add(workload + " " + ratio(worst, 1));
                }
                if (!(pairedRatio >= UDP_RATIO_TARGET)) {
                    belowTargetPaired.add(workload + " " + ratio(pairedRatio, 1));
                }
                if (!(slowest >= UDP_RATIO_TARGET)) {
                    belowTargetSlowest.add(workload + " " + ratio(slowest, 1));
                }
                if (a.max() / a.min() > t.max() / t.min()) {
                    widerSpread.add(workload + " " + ratio(a.max(), a.min()) + " against " + ratio(t.max(), t.min()));
                }
            }
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "- every UDP workload's worst-start ratio per CPU-second >= %.1f: %s%n",
                UDP_RATIO_TARGET, ratioVerdict(udpWorkloads, belowTarget)));
        b.append(String.format(Locale.ROOT, "- every UDP workload's ratio per CPU-second >= %.1f in every start, against "
                + "%s's run of the same start: %s%n", UDP_RATIO_TARGET, theirs,
                ratioVerdict(udpWorkloads, belowTargetPaired)));
        b.append(String.format(Locale.ROOT, "- every UDP workload's ratio per CPU-second >= %.1f in %s's slowest start, "
                + "against %s's median: %s%n", UDP_RATIO_TARGET, ours, theirs,
                ratioVerdict(udpWorkloads, belowTargetSlowest)));
        b.append(String.format(Locale.ROOT, "- %s's spread over starts (max / min per CPU-second) within %s's, every UDP "
                + "workload: %s%n", ours, theirs, ratioVerdict(udpWorkloads, widerSpread)));
        double shareOfCeiling = rate(runs(CEILING_WORKLOAD, ours)).min() / rate(runs(CEILING_WORKLOAD, ceiling)).median();
        b.append(String.format(Locale.ROOT, "- %s announces >= %.0f%% of the ceiling in %s's slowest start: %s%n",
                CEILING_WORKLOAD, 100 * CEILING_SHARE_TARGET, ours, shareVerdict(shareOfCeiling, "")));
        double pairedShare = worstPaired(CEILING_WORKLOAD, ceiling, r -> main(r).rate());
        b.append(String.format(Locale.ROOT, "- %s announces >= %.0f%% of the ceiling's run of the same start, in every "
                + "start: %s%n", CEILING_WORKLOAD, 100 * CEILING_SHARE_TARGET, shareVerdict(pairedShare, " in the worst")));
        return b.toString();
    }

    private static String ratioVerdict(int workloads, List<String> belowTarget) {
        return workloads == 0 ? "no UDP workload"
                : belowTarget.isEmpty() ? "yes (" + workloads + " workloads)"
                : "no: " + String.join(", ", belowTarget);
    }

    private static String shareVerdict(double share, String which) {
        return Double.isNaN(share) ? "not measured"
                : (share >= CEILING_SHARE_TARGET ? "yes (" : "no (") + share(share, 1) + which + ")";
    }

    /**
     * The lowest, over the starts both ran, of our figure against {@code other}'s figure in the same start
     * (NaN when no start has both).
     */
    private double worstPaired(String workload, String other, ToDoubleFunction<RunReport> figure) {
        double worst = Double.NaN;
        for (RunReport a : runs(workload, ours)) {
            for (RunReport o : runs(workload, other)) {
                double theirsFigure = figure.applyAsDouble(o);
                if (o.start() == a.start() && theirsFigure > 0) {
                    double r = figure.applyAsDouble(a) / theirsFigure;
                    worst = Double.isNaN(worst) ? r : Math.min(worst, r);
                }
            }
        }
        return worst;
    }

    /** UDP throughput workloads (the cold start is reported, not judged). */
    static boolean isUdpWorkload(String workload) {
        return workload.startsWith("udp");
    }

    private List<RunReport> runs(String workload, String tracker) {
        return byWorkload.getOrDefault(workload, Map.of()).getOrDefault(tracker, List.of());
    }

    /** The announces of a run, or its scrapes when it answered no announce. */
    static RequestStats.Summary main(RunReport r) {
        RequestStats.Summary announce = r.kind("announce");
        if (announce != null && announce.ok() > 0) {
            return announce;
        }
        RequestStats.Summary scrape = r.kind("scrape");
        if (scrape != null && scrape.ok() > 0) {
            return scrape;
        }
        return new RequestStats.Summary("announce", 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private static Spread rate(List<RunReport> runs) {
        return Spread.of(runs, r -> main(r).rate());
    }

    private static Spread perCpu(List<RunReport> runs) {
        return Spread.of(runs, Comparison::perCpu);
    }

    private static double perCpu(RunReport r) {
        return r.ratePerTrackerCpuSecond(main(r).kind());
    }

    private static long failures(List<RunReport> runs) {
        return runs.stream().mapToLong(r -> r.kinds().stream().mapToLong(RequestStats.Summary::failures).sum()).sum();
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

    static String share(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "—" : String.format(Locale.ROOT, "%.0f%%", 100 * a / b);
    }
}
