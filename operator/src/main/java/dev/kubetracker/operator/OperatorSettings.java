package dev.kubetracker.operator;

import java.util.Map;

/**
 * Settings of the operator that shape what it renders (not the Tracker's spec).
 *
 * @param workerImage       image of the workers when a Tracker does not name one
 * @param clusterDomain     DNS domain of the cluster, for the headless Service's name
 * @param operatorNamespace the operator's own namespace, null when unknown (outside a cluster)
 * @param operatorPodLabels labels that select the operator's own pods, empty when unknown; with the
 *                          namespace they let the workers' NetworkPolicy admit the operator's reads of
 *                          their management port
 */
public record OperatorSettings(String workerImage, String clusterDomain, String operatorNamespace,
        Map<String, String> operatorPodLabels) {

    public OperatorSettings(String workerImage, String clusterDomain) {
        this(workerImage, clusterDomain, null, Map.of());
    }

    /** Whether the operator knows enough of its own pods to name them in a NetworkPolicy. */
    public boolean knowsItsPods() {
        return operatorNamespace != null && !operatorPodLabels.isEmpty();
    }

    /** {@code name=value,name=value} (a label selector of equalities) as a map; blank gives none. */
    static Map<String, String> parseLabels(String selector) {
        Map<String, String> labels = new java.util.TreeMap<>();
        for (String pair : selector.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("operator pod labels: '" + pair.trim()
                        + "' is not name=value (expected name=value,name=value)");
            }
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return Map.copyOf(labels);
    }
}
