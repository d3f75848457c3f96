package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {
    /** A run of 10 s that answered {@code ok} requests of {@code kind} on {@code cpu} tracker CPU-seconds. */
    private static RunReport run(String workload, String tracker, int start, String kind, long ok, double cpu,
                                 double p99) {
        return new RunReport(workload, tracker, start, "127.0.0.1:6969", 10,
                List.of(new RequestStats.Summary(kind, ok, 0, 0, 0, ok / 10.0, p99 / 2, p99, p99 * 3)), 0, 0, 0, cpu,
                kind.equals("announce") ? 30 : 0);
    }

    private static String line(String table, String prefix) {
        return table.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(
                "no line " + prefix + " in\n" + table));
    }

    private static Comparison threeStarts() {
        Comparison c = new Comparison("kubetracker", "opentracker", "ceiling");
        // kubetracker: 1.0M, 2.0M, 3.0M announces on 10 CPU-s: 100,000 / 200,000 / 300,000 per CPU-s
        c.add(run("udp-w64", "kubetracker", 1, "announce", 1_000_000, 10, 900));
        c.add(run("udp-w64", "kubetracker", 2, "announce", 3_000_000, 10, 700));
        c.add(run("udp-w64", "kubetracker", 3, "announce", 2_000_000, 10, 800));
        // opentracker: 50,000 / 80,000 / 100,000 per CPU-s
        c.add(run("udp-w64", "opentracker", 1, "announce", 500_000, 10, 400));
        c.add(run("udp-w64", "opentracker", 2, "announce", 1_000_000, 10, 500));
        c.add(run("udp-w64", "opentracker", 3, "announce", 800_000, 10, 600));
        // the ceiling's raw rates: 200,000 / 250,000 / 400,000 per second
        c.add(run("udp-w64", "ceiling", 1, "announce", 2_000_000, 5, 100));
        c.add(run("udp-w64", "ceiling", 2, "announce", 2_500_000, 5, 100));
        c.add(run("udp-w64", "ceiling", 3, "announce", 4_000_000, 5, 100));
        return c;
    }

    @Test
    void eachTrackerGetsMinMedianAndMaxOverStarts() {
        String table = threeStarts().table();
        assertEquals("| udp-w64 | kubetracker | 3 | 100,000 / 200,000 / 300,000 | 100,000 / 200,000 / 300,000 "
                + "| 700 / 800 / 900 | 2,100 / 2,400 / 2,700 | 30.0 | 0 |", line(table, "| udp-w64 | kubetracker |"));
    }

    @Test
    void worstStartRatioSetsOurSlowestAgainstTheirFastest() {
        String table = threeStarts().table();
        // worst: 100,000 / 100,000 = 1.00; slowest against their median: 100,000 / 80,000 = 1.25;
        // median: 200,000 / 80,000 = 2.50;
        // against the ceiling's median raw rate of 250,000/s: slowest 100,000 (40%), median 200,000 (80%);
        // per CPU-second, the ceiling's median is 500,000: 200,000 is 40%;
        // start by start: 100/50, 300/100, 200/80 = 2.00 at worst; raw 100/200, 300/250, 200/400 = 50% at worst
        assertEquals("| udp-w64 | 1.00 | 1.25 | 2.50 | 40% | 80% | 40% | 2.00 | 50% |", line(table, "| udp-w64 | 1.00"));
        assertTrue(table.contains("worst-start ratio per CPU-second >= 1.5: no: udp-w64 1.00"), table);
        assertTrue(table.contains("udp-w64 announces >= 75% of the ceiling in kubetracker's slowest start: no (40%)"),
                table);
        assertTrue(table.contains(">= 1.5 in every start, against opentracker's run of the same start: yes (1 workloads)"),
                table);
        assertTrue(table.contains("of the ceiling's run of the same start, in every start: no (50% in the worst)"), table);
        assertTrue(table.contains(">= 1.5 in kubetracker's slowest start, against opentracker's median: no: udp-w64 1.25"),
                table);
        // spread: kubetracker 300,000 / 100,000 = 3.00, opentracker 100,000 / 50,000 = 2.00
        assertTrue(table.contains("within opentracker's, every UDP workload: no: udp-w64 3.00 against 2.00"), table);
    }

    @Test
    void targetsMetAreSaidSo() {
        Comparison c = new Comparison("kubetracker", "opentracker", "ceiling");
        c.add(run("udp-w64", "kubetracker", 1, "announce", 2_000_000, 10, 500));
        c.add(run("udp-w64", "opentracker", 1, "announce", 1_000_000, 10, 500));
        c.add(run("udp-w64", "ceiling", 1, "announce", 2_500_000, 5, 100));
        c.add(run("cold-start", "kubetracker", 1, "announce", 10_000, 1, 500));
        c.add(run("cold-start", "opentracker", 1, "announce", 10_000, 0.1, 500));
        String table = c.table();
        assertTrue(table.contains(">= 1.5: yes (1 workloads)"), "the cold start is not judged:\n" + table);
        assertTrue(table.contains("slowest start: yes (80%)"), table);
        assertTrue(table.contains("of the ceiling's run of the same start, in every start: yes (80% in the worst)"), table);
        assertTrue(table.contains("in kubetracker's slowest start, against opentracker's median: yes (1 workloads)"), table);
        assertTrue(table.contains("within opentracker's, every UDP workload: yes (1 workloads)"), table);
    }

    @Test
    void scrapeOnlyWorkloadCountsScrapes() {
        Comparison c = new Comparison("kubetracker", "opentracker", "ceiling");
        c.add(run("udp-scrape74", "kubetracker", 1, "scrape", 400_000, 2, 300));
        c.add(run("udp-scrape74", "opentracker", 1, "scrape", 100_000, 1, 300));
        String table = c.table();
        assertEquals("| udp-scrape74 | kubetracker | 1 | 40,000 / 40,000 / 40,000 | 200,000 / 200,000 / 200,000 "
                + "| 300 / 300 / 300 | 900 / 900 / 900 | 0.0 | 0 |", line(table, "| udp-scrape74 | kubetracker |"));
        assertEquals("| udp-scrape74 | 2.00 | 2.00 | 2.00 | — | — | — | 2.00 | — |", line(table, "| udp-scrape74 | 2.00"));
        assertTrue(table.contains("in kubetracker's slowest start: not measured"), table);
    }

    @Test
    void aWorkloadOneTrackerSkipsHasNoRatio() {
        Comparison c = new Comparison("kubetracker", "opentracker", "ceiling");
        c.add(run("http-keepalive", "kubetracker", 1, "announce", 500_000, 10, 100));
        assertEquals("| http-keepalive | — | — | — | — | — | — | — | — |", line(c.table(), "| http-keepalive | —"));
        assertEquals(2.5, Comparison.median(new double[] {4, 1, 3, 2}));
        assertTrue(Double.isNaN(Comparison.median(new double[0])));
    }
}
