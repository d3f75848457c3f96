package dev.kubetracker.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kubetracker.operator.model.Tracker;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker pod drains on termination within its grace period, and spreads across nodes and zones. */
class PodShutdownAndSpreadTest {

    private static PodSpec pod(Tracker t) {
        return TrackerResources.statefulSet(t, TrackerResourcesTest.SETTINGS).getSpec().getTemplate().getSpec();
    }

    @Test
    void theDrainIsTheWorkersAndTheGracePeriodIsTheDrainPlusAMargin() {
        Tracker t = TrackerResourcesTest.tracker();
        assertEquals("15s", TrackerResourcesTest.env(t).get("TRACKER_SHUTDOWN_DRAIN"));
        assertEquals(30L, pod(t).getTerminationGracePeriodSeconds());
        assertNull(pod(t).getContainers().get(0).getLifecycle(), "the worker drains by itself: no preStop");

        t.getSpec().setDrain("2m");
        assertEquals("2m", TrackerResourcesTest.env(t).get("TRACKER_SHUTDOWN_DRAIN"));
        assertEquals(135L, pod(t).getTerminationGracePeriodSeconds());
        t.getSpec().setDrain("0s");
        assertEquals(15L, pod(t).getTerminationGracePeriodSeconds());
    }

    @Test
    void byDefaultWorkersSpreadAcrossNodesAndZonesWhereTheyCan() {
        Tracker t = TrackerResourcesTest.tracker();
        List<TopologySpreadConstraint> spread = pod(t).getTopologySpreadConstraints();
        assertEquals(List.of("kubernetes.io/hostname", "topology.kubernetes.io/zone"),
                spread.stream().map(TopologySpreadConstraint::getTopologyKey).toList());
        for (TopologySpreadConstraint c : spread) {
            assertEquals(1, c.getMaxSkew());
            assertEquals("ScheduleAnyway", c.getWhenUnsatisfiable());
            assertEquals(TrackerResources.selectorLabels(t), c.getLabelSelector().getMatchLabels());
        }
    }

    @Test
    void aTrackerReplacesTheSpreadWithItsOwnOrNone() {
        Tracker t = TrackerResourcesTest.tracker();
        TopologySpreadConstraint strict = new TopologySpreadConstraintBuilder().withMaxSkew(1)
                .withTopologyKey("topology.kubernetes.io/zone").withWhenUnsatisfiable("DoNotSchedule").build();
        t.getSpec().setTopologySpreadConstraints(List.of(strict));
        assertEquals(List.of(strict), pod(t).getTopologySpreadConstraints());
        t.getSpec().setTopologySpreadConstraints(List.of());
        assertEquals(List.of(), pod(t).getTopologySpreadConstraints());
    }
}
