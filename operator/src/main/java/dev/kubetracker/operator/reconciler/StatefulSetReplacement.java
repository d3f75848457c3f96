package dev.kubetracker.operator.reconciler;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A StatefulSet whose immutable fields (podManagementPolicy, selector, serviceName,
 * volumeClaimTemplates) differ from the desired ones can never be updated: the API server refuses with
 * 422 Invalid. It is replaced instead, without stopping a worker: deleted with propagationPolicy
 * Orphan, so its pods keep running and serving, then created anew, and the new StatefulSet adopts the
 * pods through the same selector and rolls them to its template. When the selector itself differs, the
 * new StatefulSet could not adopt the pods (and their names would clash), so nothing is deleted and
 * {@link SelectorChangedException} says why.
 */
final class StatefulSetReplacement {

    /** How long the orphaning delete may take (the garbage collector removes the pods' owner references first). */
    static final long DELETE_TIMEOUT_SECONDS = 60;

    private StatefulSetReplacement() {
    }

    /** Whether the API server refused an update because it changes a StatefulSet's immutable spec fields. */
    static boolean refusedAsImmutable(KubernetesClientException e) {
        if (e.getCode() != 422) {
            return false;
        }
        Status status = e.getStatus();
        if (status == null || !"Invalid".equals(status.getReason())) {
            return false;
        }
        if (status.getDetails() != null && status.getDetails().getCauses() != null) {
            for (StatusCause cause : status.getDetails().getCauses()) {
                if ("FieldValueForbidden".equals(cause.getReason()) && "spec".equals(cause.getField())) {
                    return true;
                }
            }
        }
        return status.getMessage() != null && status.getMessage().contains("updates to statefulset spec for fields other than");
    }

    /** Orphans the pods of {@code actual}, waits until it is gone, then creates the desired one with {@code create}. */
    static StatefulSet replace(KubernetesClient client, StatefulSet actual, StatefulSet desired,
            Supplier<StatefulSet> create) {
        if (!sameSelector(actual.getSpec().getSelector(), desired.getSpec().getSelector())) {
            throw new SelectorChangedException(actual);
        }
        var existing = client.apps().statefulSets().inNamespace(actual.getMetadata().getNamespace())
                .withName(actual.getMetadata().getName());
        existing.withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        existing.waitUntilCondition(Objects::isNull, DELETE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return create.get();
    }

    private static boolean sameSelector(LabelSelector a, LabelSelector b) {
        return Objects.equals(orEmpty(a.getMatchLabels()), orEmpty(b.getMatchLabels()))
                && Objects.equals(orEmpty(a.getMatchExpressions()), orEmpty(b.getMatchExpressions()));
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** The StatefulSet selects its pods with other labels than the operator's: it cannot be replaced in place. */
    static final class SelectorChangedException extends RuntimeException {
        SelectorChangedException(StatefulSet actual) {
            super("StatefulSet " + actual.getMetadata().getName() + " selects its pods by "
                    + actual.getSpec().getSelector().getMatchLabels()
                    + ", not by the labels this operator gives them, and a selector cannot change: a new"
                    + " StatefulSet could not adopt the running workers. Delete the StatefulSet to let the operator"
                    + " create it anew (its workers restart)");
        }
    }
}
