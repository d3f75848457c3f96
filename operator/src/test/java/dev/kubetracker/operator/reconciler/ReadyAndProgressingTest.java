package dev.kubetracker.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.operator.model.Tracker;
import dev.kubetracker.operator.model.TrackerStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Ready and Progressing over the states of a StatefulSet rollout, as the status function sees them:
 * Ready only when the StatefulSet has acted on its generation and every worker runs the update revision
 * and is ready, so that Argo CD and Flux never report success in the middle of a rollout.
 */
class ReadyAndProgressingTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** The StatefulSet at generation 4, with the status its controller reports. */
    static StatefulSet workers(Long observedGeneration, int replicas, int ready, int updated, String current,
            String update) {
        Tracker t = TrackerResourcesTest.tracker();
        StatefulSet sts = TrackerResources.statefulSet(t, TrackerResourcesTest.SETTINGS);
        sts.getMetadata().setGeneration(4L);
        sts.setStatus(new StatefulSetStatusBuilder().withObservedGeneration(observedGeneration)
                .withReplicas(replicas).withReadyReplicas(ready).withUpdatedReplicas(updated)
                .withCurrentRevision(current).withUpdateRevision(update).build());
        return sts;
    }

    static TrackerStatus status(Optional<StatefulSet> workers) {
        return TrackerReconciler.status(TrackerResourcesTest.tracker(), workers, List.of(), List.of(), NOW);
    }

    static Condition condition(TrackerStatus s, String type) {
        return s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    static void assertConditions(TrackerStatus s, String ready, String readyReason, String progressing,
            String progressingReason) {
        assertEquals(ready, condition(s, "Ready").getStatus(), condition(s, "Ready").getMessage());
        assertEquals(readyReason, condition(s, "Ready").getReason());
        assertEquals(progressing, condition(s, "Progressing").getStatus(), condition(s, "Progressing").getMessage());
        assertEquals(progressingReason, condition(s, "Progressing").getReason());
    }

    @Test
    void noStatefulSetYetIsProgressingAndNotReady() {
        assertConditions(status(Optional.empty()), "False", "RolloutInProgress", "True", "Creating");
    }

    @Test
    void aStatefulSetItsControllerHasNotSeenIsNotReadyEvenWithEveryPodReady() {
        // the spec was just changed: the old pods are all ready, but they run the old spec
        TrackerStatus s = status(Optional.of(workers(3L, 2, 2, 2, "rev-a", "rev-a")));
        assertConditions(s, "False", "RolloutInProgress", "True", "StatefulSetPending");
        assertEquals(2, s.getReadyReplicas());
        assertEquals(3L, s.getObservedGeneration(), "the Tracker's generation the status describes");
    }

    @Test
    void midRolloutIsProgressingAndNotReady() {
        TrackerStatus s = status(Optional.of(workers(4L, 2, 2, 1, "rev-a", "rev-b")));
        assertConditions(s, "False", "RolloutInProgress", "True", "RollingUpdate");
        assertTrue(condition(s, "Progressing").getMessage().contains("1 of 2"), condition(s, "Progressing").getMessage());
    }

    @Test
    void everyPodUpdatedButRevisionsNotYetSwappedIsStillProgressing() {
        assertConditions(status(Optional.of(workers(4L, 2, 2, 2, "rev-a", "rev-b"))),
                "False", "RolloutInProgress", "True", "RollingUpdate");
    }

    @Test
    void scalingIsProgressingUntilTheReplicasExist() {
        assertConditions(status(Optional.of(workers(4L, 1, 1, 1, "rev-a", "rev-a"))),
                "False", "RolloutInProgress", "True", "Scaling");
        assertConditions(status(Optional.of(workers(4L, 3, 3, 3, "rev-a", "rev-a"))),
                "False", "RolloutInProgress", "True", "Scaling");
    }

    @Test
    void aFinishedRolloutWithEveryWorkerReadyIsReady() {
        TrackerStatus s = status(Optional.of(workers(4L, 2, 2, 2, "rev-b", "rev-b")));
        assertConditions(s, "True", "WorkersReady", "False", "RolloutComplete");
    }

    @Test
    void failedPodsAfterTheRolloutAreNotReadyButNotProgressing() {
        TrackerStatus s = status(Optional.of(workers(4L, 2, 1, 2, "rev-b", "rev-b")));
        assertConditions(s, "False", "WorkersNotReady", "False", "RolloutComplete");
        assertTrue(condition(s, "Ready").getMessage().contains("1 of 2"), condition(s, "Ready").getMessage());
    }

    @Test
    void transitionTimesMoveOnlyWhenTheStatusFlips() {
        Tracker t = TrackerResourcesTest.tracker();
        TrackerStatus rolling = TrackerReconciler.status(t, Optional.of(workers(4L, 2, 2, 1, "a", "b")),
                List.of(), List.of(), NOW);
        t.setStatus(rolling);
        TrackerStatus stillRolling = TrackerReconciler.status(t, Optional.of(workers(4L, 2, 1, 1, "a", "b")),
                List.of(), List.of(), NOW.plusSeconds(30));
        assertEquals("2026-01-01T00:00:00Z", condition(stillRolling, "Progressing").getLastTransitionTime());
        t.setStatus(stillRolling);
        TrackerStatus done = TrackerReconciler.status(t, Optional.of(workers(4L, 2, 2, 2, "b", "b")),
                List.of(), List.of(), NOW.plusSeconds(60));
        assertEquals("2026-01-01T00:01:00Z", condition(done, "Progressing").getLastTransitionTime());
        assertEquals("2026-01-01T00:01:00Z", condition(done, "Ready").getLastTransitionTime());
        assertEquals("2026-01-01T00:00:00Z", condition(done, "Degraded").getLastTransitionTime());
    }
}
