package dev.kubetracker.bench;

import java.util.Locale;

/**
 * How many announces a second a fully replicated cluster can take, from measured CPU costs. Clients spread
 * their announces evenly over n pods of N cores; at a cluster rate R each pod takes R/n local announces,
 * sends each of its changes to n - 1 siblings and applies the R(n - 1)/n changes of the others:
 *
 * <pre>
 *   cores used per pod = R/n * (local + sendFixed + (n - 1) * sendPerSibling) + R(n - 1)/n * apply  <= N
 *   sender thread      = R/n * (sendFixed + (n - 1) * sendPerSibling)                              <= 1
 *   receiver thread    = R(n - 1)/n * apply                                                         <= 1
 * </pre>
 *
 * The client-port work scales with cores (one UDP socket per core); the sender and the receiver are one
 * thread each, as in the worker today, so each can use at most one core. The cluster's rate is the
 * largest R that meets all three; {@link #multiThreadedApply} drops the receiver's bound, to show the
 * headroom an apply spread over the cores would give. Costs are in nanoseconds of CPU.
 */
public record ReplicationModel(double localNanos, double sendFixedNanos, double sendPerSiblingNanos,
                               double applyNanos, boolean multiThreadedApply) {
    /** What limits the cluster at a given size. */
    public enum Bound { CORES, RECEIVER_THREAD, SENDER_THREAD }

    public ReplicationModel {
        if (localNanos <= 0 || sendFixedNanos < 0 || sendPerSiblingNanos < 0 || applyNanos < 0) {
            throw new IllegalArgumentException("costs must be positive (local) or at least zero (the others)");
        }
    }

    public ReplicationModel withMultiThreadedApply() {
        return new ReplicationModel(localNanos, sendFixedNanos, sendPerSiblingNanos, applyNanos, true);
    }

    /** Announces a second the whole cluster of {@code pods} pods of {@code cores} cores each can take. */
    public double clusterRate(int pods, int cores) {
        return clusterRate(pods, cores, boundAt(pods, cores));
    }

    /** Which of the three limits is the lowest for this cluster. */
    public Bound boundAt(int pods, int cores) {
        Bound lowest = Bound.CORES;
        double rate = clusterRate(pods, cores, Bound.CORES);
        for (Bound b : new Bound[] {Bound.RECEIVER_THREAD, Bound.SENDER_THREAD}) {
            double r = clusterRate(pods, cores, b);
            if (r < rate) {
                rate = r;
                lowest = b;
            }
        }
        return lowest;
    }

    private double clusterRate(int pods, int cores, Bound bound) {
        if (pods < 1 || cores < 1) {
            throw new IllegalArgumentException("a cluster has at least one pod of at least one core");
        }
        int siblings = pods - 1;
        double sendPerChange = siblings == 0 ? 0 : sendFixedNanos + siblings * sendPerSiblingNanos;
        double perAnnounce = switch (bound) { // nanoseconds of the bounded resource per cluster announce
            case CORES -> (localNanos + sendPerChange + siblings * applyNanos) / pods;
            case RECEIVER_THREAD -> multiThreadedApply ? 0 : siblings * applyNanos / pods;
            case SENDER_THREAD -> sendPerChange / pods;
        };
        double capacity = bound == Bound.CORES ? cores : 1;
        return perAnnounce == 0 ? Double.POSITIVE_INFINITY : capacity * 1e9 / perAnnounce;
    }

    /**
     * The first cluster size whose next pod adds less than {@code fraction} (0.1: a tenth) of what one pod
     * alone takes: from there a pod's worth of hardware buys less than that fraction of a pod's announces.
     */
    public int podsWhereGrowthStops(int cores, double fraction) {
        double onePod = clusterRate(1, cores);
        for (int pods = 1; pods < 10_000; pods++) {
            if (clusterRate(pods + 1, cores) - clusterRate(pods, cores) < fraction * onePod) {
                return pods;
            }
        }
        throw new IllegalStateException("the cluster still grows at 10,000 pods: no replication cost given?");
    }

    /** The Markdown table: cluster announces/s for each pod count (rows) and core count (columns). */
    public String table(int[] pods, int[] cores) {
        StringBuilder b = new StringBuilder("| pods |");
        for (int c : cores) {
            b.append(String.format(Locale.ROOT, " %d core%s |", c, c == 1 ? "" : "s"));
        }
        b.append("\n|---|");
        b.append("---|".repeat(cores.length));
        b.append('\n');
        for (int p : pods) {
            b.append("| ").append(p).append(" |");
            for (int c : cores) {
                Bound bound = boundAt(p, c);
                b.append(String.format(Locale.ROOT, " %,.0f%s |", clusterRate(p, c),
                        bound == Bound.CORES ? "" : bound == Bound.RECEIVER_THREAD ? " (r)" : " (s)"));
            }
            b.append('\n');
        }
        b.append("| the next pod adds < 10% of one pod's rate from |");
        for (int c : cores) {
            int stop = podsWhereGrowthStops(c, 0.1);
            b.append(String.format(Locale.ROOT, " %d pod%s |", stop, stop == 1 ? "" : "s"));
        }
        b.append('\n');
        return b.toString();
    }
}
