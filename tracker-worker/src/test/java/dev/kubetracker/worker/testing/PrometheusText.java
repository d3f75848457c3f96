package dev.kubetracker.worker.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads values out of the Prometheus text of {@code /q/metrics}. */
public final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * The sum of every series of the metric whose labels contain {@code labelFragment} (e.g.
     * {@code reason="tracker_full"}; empty for all); fails when there is none.
     */
    public static double sum(String metrics, String name, String labelFragment) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(metrics);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            if (labelFragment.isEmpty() || (m.group(1) != null && m.group(1).contains(labelFragment))) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no series " + name + (labelFragment.isEmpty() ? "" : " with " + labelFragment)
                    + " in /q/metrics");
        }
        return sum;
    }

    public static double value(String metrics, String name) {
        return sum(metrics, name, "");
    }
}
