package dev.kubetracker.operator.reconciler;

import dev.kubetracker.operator.model.TrackerStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

    /** The condition of that type in {@code next} when it is True and was not True with the same reason before. */
    static Optional<Condition> newlyTrue(String type, TrackerStatus previous, TrackerStatus next) {
        Optional<Condition> now = find(type, next).filter(c -> "True".equals(c.getStatus()));
        Optional<Condition> before = find(type, previous).filter(c -> "True".equals(c.getStatus()));
        return now.filter(c -> before.map(b -> !Objects.equals(b.getReason(), c.getReason())).orElse(true));
    }

    private static Optional<Condition> find(String type, TrackerStatus status) {
        return status == null || status.getConditions() == null ? Optional.empty()
                : status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static List<Condition> copy(List<Condition> conditions) {
        return conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
    }
}
