package dev.kubetracker.worker.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.TrackerWorker;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A worker that warmed up (its own profile: a fresh start, nothing served yet) is ready, and its store,
 * counters and metrics show nothing of the thousands of requests the warm-up ran.
 */
@QuarkusTest
@TestProfile(WarmUpLeavesNoTraceSocketTest.WarmUpOn.class)
class WarmUpLeavesNoTraceSocketTest {
    public static class WarmUpOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracker.warm-up.requests", "3000");
        }
    }

    @Inject
    TrackerWorker worker;

    @Test
    void theRealStoreAndCountersAreUntouched() {
        assertTrue(worker.isServing());
        assertEquals(0, worker.store().torrents());
        assertEquals(0, worker.store().seeders() + worker.store().leechers());
        RequestCounters c = worker.counters();
        for (Protocol p : Protocol.values()) {
            assertEquals(0, c.announces(p), p + " announces");
            assertEquals(0, c.scrapes(p), p + " scrapes");
            assertEquals(0, c.errors(p), p + " errors");
        }
        assertEquals(0, c.connects(4) + c.connects(6));
        assertEquals(0, c.udpPackets());
        assertEquals(0, c.tcpAccepts());
        assertEquals(0, c.fullScrapes(false) + c.fullScrapes(true));
    }
}
