package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrackerMetricsTest {
    private static final String TEXT = """
            # HELP tracker_store_bytes Heap the swarm store holds by its own account
            # TYPE tracker_store_bytes gauge
            tracker_store_bytes 1.2345678E7
            tracker_store_budget_bytes 3.42884352E8
            tracker_torrents 150000.0
            tracker_peers{role="seeder"} 120000.0
            tracker_peers{role="leecher"} 30001.0
            tracker_errors_total{protocol="udp",reason="tracker_full"} 40.0
            tracker_errors_total{protocol="http",reason="tracker_full"} 2.0
            tracker_errors_total{protocol="udp",reason="rate_limited"} 7.0
            tracker_errors_total{protocol="udp",reason="torrent_rate_limited"} 0.0
            tracker_store_bytes_other 99
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.0E7
            """;

    @Test
    void readsStoreTorrentsAndPeersOfBothRoles() {
        TrackerMetrics m = TrackerMetrics.parse(TEXT);
        assertEquals(12_345_678, m.storeBytes());
        assertEquals(342_884_352, m.budgetBytes());
        assertEquals(150_000, m.torrents());
        assertEquals(150_001, m.peers());
    }

    @Test
    void sumsErrorsOfEveryProtocolByReason() {
        TrackerMetrics m = TrackerMetrics.parse(TEXT);
        assertEquals(42, m.errors("tracker_full"));
        assertEquals(7, m.errors("rate_limited"));
        assertEquals(0, m.errors("torrent_rate_limited"));
        assertEquals(0, m.errors("not_found"));
    }

    @Test
    void anUnboundedBudgetReadsAsNone() {
        assertEquals(-1, TrackerMetrics.parse("tracker_store_budget_bytes +Inf\n").budgetBytes());
        assertEquals(-1, TrackerMetrics.parse("").budgetBytes());
    }

    @Test
    void brokenLinesAreSkipped() {
        TrackerMetrics m = TrackerMetrics.parse("tracker_torrents\ntracker_torrents abc\ngarbage\ntracker_peers 5\n");
        assertEquals(0, m.torrents());
        assertEquals(5, m.peers());
    }

    @Test
    void labelIsFoundOnlyAsAWholeLabelName() {
        assertEquals("full", TrackerMetrics.label("x{subreason=\"no\",reason=\"full\"}", "reason"));
        assertEquals("", TrackerMetrics.label("x{protocol=\"udp\"}", "reason"));
    }
}
