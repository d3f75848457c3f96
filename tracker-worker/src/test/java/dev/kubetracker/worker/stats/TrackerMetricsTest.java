package dev.kubetracker.worker.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TrackerMetricsTest {
    @Test
    void readinessGaugeKeepsReportingAfterFullCollections() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicBoolean serving = new AtomicBoolean(true);
        // A lambda held by nothing but the gauge, as the worker binds it.
        TrackerMetrics.bindReadiness(registry, serving::get);

        for (int i = 0; i < 3; i++) {
            System.gc();
        }

        assertEquals(1.0, registry.get("tracker.ready").gauge().value());
        serving.set(false);
        assertEquals(0.0, registry.get("tracker.ready").gauge().value());
    }
}
