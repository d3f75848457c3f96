package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static RunReport run(String scenario, String tracker, double rate, double p99, double cpu) {
        long ok = Math.round(rate * 10);
        return new RunReport(scenario, tracker, 2, "127.0.0.1:6969", 10,
                List.of(new RequestStats.Summary("announce", ok, 0, 1, 2, rate, p99 / 2, p99, p99 * 2)), 3, 4, 0, cpu,
                29.5);
    }

    @Test
    void statsSummariseLatencyInMicroseconds() {
        RequestStats s = new RequestStats("announce");
        for (int i = 1; i <= 1000; i++) {
            s.ok(i * 1000L);
        }
        s.timeout();
        s.errorReply();
        s.invalid();
        RequestStats.Summary sum = s.summary(2);
        assertEquals(1000, sum.ok());
        assertEquals(500, sum.rate());
        assertEquals(500, sum.p50Micros(), 1);
        assertEquals(990, sum.p99Micros(), 1);
        assertEquals(3, sum.failures());
        s.reset();
        assertEquals(0, s.summary(1).ok());
        assertEquals(0, s.summary(1).p99Micros());
    }

    @Test
    void jsonLineRoundTrips() {
        RunReport r = run("udp", "kubetracker", 123456.5, 800, 9.5);
        String json = r.toJson();
        assertFalse(json.contains("\n"), "one line");
        assertTrue(json.startsWith("{\"scenario\":\"udp\",\"tracker\":\"kubetracker\""));
        assertEquals(r, RunReport.fromJson(json));
        assertEquals(1234565 / 9.5, r.ratePerTrackerCpuSecond("announce"), 1e-6);
        assertTrue(r.toText().contains("announce"));
        assertTrue(json.contains("\"start\":2"), json);
        assertEquals(29.5, RunReport.fromJson(json).peersPerAnnounce());
    }

    @Test
    void jsonEscapesAndParsesWhatItWrites() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd\u0001");
        m.put("n", 42L);
        m.put("d", 1.25);
        m.put("t", true);
        m.put("z", null);
        String json = Json.write(m);
        assertEquals("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"n\":42,\"d\":1.250,\"t\":true,\"z\":null}", json);
        assertEquals(Map.of("s", "a\"b\\c\nd\u0001", "n", 42L, "d", 1.25, "t", true), withoutNull(Json.parse(json)));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutNull(Object parsed) {
        Map<String, Object> m = new java.util.HashMap<>((Map<String, Object>) parsed);
        assertTrue(m.containsKey("z"));
        m.remove("z");
        return m;
    }

    @Test
    void trackerCpuIsReadFromProcStat() {
        String stat = "1234 (java (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 123 456 789";
        assertEquals(3.0, TrackerCpu.parseStat(stat));
        assertEquals(0, new TrackerCpu(0).seconds());
        assertTrue(new TrackerCpu(ProcessHandle.current().pid()).seconds() >= 0);
    }
}
