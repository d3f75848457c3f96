package dev.kubetracker.operator.reconciler;

import dev.kubetracker.operator.model.TrackerStatus;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many ready workers report the access list they loaded, and how many of them enforce the list the
 * ConfigMaps hold now (the same digest). Pure: the digests come from the workers' /q/metrics.
 *
 * @param onNewest null when the operator has no digest of its own to compare with (an unreadable or
 *                 uncounted list)
 */
record WorkersOnList(int reporting, Integer onNewest) {

    private static final Pattern DIGEST = Pattern.compile(
            "^tracker_access_list_info\\{digest=\"([0-9a-f]{64})\"}", Pattern.MULTILINE);

    static WorkersOnList of(String newestDigest, Collection<String> loadedDigests) {
        int reporting = (int) loadedDigests.stream().filter(d -> d != null).count();
        Integer onNewest = newestDigest == null ? null
                : (int) loadedDigests.stream().filter(newestDigest::equals).count();
        return new WorkersOnList(reporting, onNewest);
    }

    /** The digest a worker exports in its Prometheus text, or null when it exports none. */
    static String digestIn(String metricsText) {
        Matcher m = DIGEST.matcher(metricsText);
        return m.find() ? m.group(1) : null;
    }

    /** Whether every one of {@code readyWorkers} enforces the newest list. */
    boolean allOnNewest(int readyWorkers) {
        return onNewest != null && onNewest >= readyWorkers;
    }

    void writeTo(TrackerStatus.AccessListStatus status) {
        status.setWorkersReporting(reporting);
        status.setWorkersOnNewest(onNewest);
    }
}
