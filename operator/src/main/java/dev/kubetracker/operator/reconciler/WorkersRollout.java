package dev.kubetracker.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * How far the workers' StatefulSet has come towards the Tracker's spec, read from its status the way
 * {@code kubectl rollout status} does: done only when the StatefulSet controller has observed the latest
 * generation, every replica exists and runs the update revision, and the current revision is the update
 * revision. Pure, so the status function and its tests share it.
 *
 * @param progressing   a rollout or a scale is under way (or the StatefulSet is not there yet)
 * @param reason        the Progressing condition's reason
 * @param message       the Progressing condition's message
 * @param replicas      worker pods that exist
 * @param readyReplicas worker pods that are ready
 */
record WorkersRollout(boolean progressing, String reason, String message, int replicas, int readyReplicas) {

    static final String CREATING = "Creating";
    static final String PENDING = "StatefulSetPending";
    static final String SCALING = "Scaling";
    static final String ROLLING_UPDATE = "RollingUpdate";
    static final String COMPLETE = "RolloutComplete";

    static WorkersRollout of(Optional<StatefulSet> workers, int desired) {
        if (workers.isEmpty()) {
            return new WorkersRollout(true, CREATING, "the workers' StatefulSet does not exist yet", 0, 0);
        }
        StatefulSet sts = workers.get();
        StatefulSetStatus status = sts.getStatus();
        int replicas = status == null ? 0 : orZero(status.getReplicas());
        int ready = status == null ? 0 : orZero(status.getReadyReplicas());
        Long generation = sts.getMetadata().getGeneration();
        Long observed = status == null ? null : status.getObservedGeneration();
        if (observed == null || (generation != null && observed < generation)) {
            return new WorkersRollout(true, PENDING, "the StatefulSet controller has not yet acted on generation "
                    + generation + " of the StatefulSet", replicas, ready);
        }
        if (replicas != desired) {
            return new WorkersRollout(true, SCALING, replicas + " of " + desired + " workers exist", replicas, ready);
        }
        int updated = orZero(status.getUpdatedReplicas());
        if (updated != desired || !Objects.equals(status.getCurrentRevision(), status.getUpdateRevision())) {
            return new WorkersRollout(true, ROLLING_UPDATE, updated + " of " + desired
                    + " workers run the new revision", replicas, ready);
        }
        return new WorkersRollout(false, COMPLETE, desired + " workers run the current revision", replicas, ready);
    }

    /** Done and every worker ready. */
    boolean ready(int desired) {
        return !progressing && desired > 0 && readyReplicas == desired;
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
