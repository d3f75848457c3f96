package dev.kubetracker.worker.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.MinuteClock;
import dev.kubetracker.worker.swarm.SwarmStore;
import org.junit.jupiter.api.Test;

class StatusHistoryTest {
    private final RequestCounters counters = new RequestCounters();
    private final StatusReadings readings =
            new StatusReadings(counters, new SwarmStore(16, 30, MinuteClock.SYSTEM), null);
    private final long[] scratch = new long[StatusReadings.COLUMNS];

    private void recordAfterAnnounces(StatusHistory history, int announces) {
        for (int i = 0; i < announces; i++) {
            counters.announce(Protocol.UDP, 4, Announce.Event.NONE);
        }
        history.record(readings, scratch);
    }

    private static String historyOf(String json, String key) {
        int start = json.indexOf("\"" + key + "\":[", json.indexOf("\"history\""));
        return json.substring(json.indexOf('[', start), json.indexOf(']', start) + 1);
    }

    @Test
    void keepsTheNewestSamplesOldestFirstOnceFull() {
        StatusHistory history = new StatusHistory(3, 2000);
        for (int i = 0; i < 5; i++) {
            recordAfterAnnounces(history, 1);
        }
        assertEquals(3, history.size());
        StringBuilder json = new StringBuilder();
        history.writeJson(scratch, json);
        assertEquals("[3,4,5]", historyOf(json.toString(), "udp_announces"));
        assertEquals("[0,0,0]", historyOf(json.toString(), "http_announces"));
    }

    @Test
    void writesNowAndAPartlyFilledHistory() {
        StatusHistory history = new StatusHistory(4, 2000);
        recordAfterAnnounces(history, 2);
        recordAfterAnnounces(history, 3);
        counters.error(Protocol.HTTP, RequestCounters.ErrorReason.BAD_PORT);
        long[] now = new long[StatusReadings.COLUMNS];
        readings.read(now);
        StringBuilder json = new StringBuilder();
        history.writeJson(now, json);
        String text = json.toString();
        assertEquals("[2,5]", historyOf(text, "udp_announces"));
        assertEquals("[0,0]", historyOf(text, "refusals"));
        assertTrue(text.contains("\"refusals\":1,"), text);
        assertTrue(text.contains("\"siblings\":-1,"), "a standalone worker: " + text);
        assertTrue(text.startsWith("{\"interval_millis\":2000,\"now\":{\"time\":"), text);
    }

    @Test
    void refusesAnEmptyRing() {
        assertThrows(IllegalArgumentException.class, () -> new StatusHistory(0, 2000));
    }
}
