package dev.kubetracker.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Conditions the Kubernetes way: lastTransitionTime moves only when the status flips. */
final class Conditions {

    static final String READY = "Ready";
    static final String DEGRADED = "Degraded";
    static final String PROGRESSING = "Progressing";

    private Conditions() {
    }

    /** Puts a condition into {@code conditions}, keeping the old transition time when the status is unchanged. */
    static void set(List<Condition> conditions, List<Condition> previous, String type, boolean status,
            String reason, String message, Long generation, Instant now) {
        String value = status ? "True" : "False";
        String since = now.truncatedTo(ChronoUnit.SECONDS).toString();
        for (Condition old : previous == null ? List.<Condition>of() : previous) {
            if (type.equals(old.getType()) && value.equals(old.getStatus()) && old.getLastTransitionTime() != null) {
                since = old.getLastTransitionTime();
            }
        }
        conditions.removeIf(c -> Objects.equals(type, c.getType()));
        conditions.add(new Condition(since, message, generation, reason, value, type));
    }

    static List<Condition> copy(List<Condition> conditions) {
        return conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
    }
}
