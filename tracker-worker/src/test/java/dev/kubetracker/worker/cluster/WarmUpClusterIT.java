package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.PrometheusText;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A worker that warms up beside a running sibling sends it nothing: after the warm-up (logged with its
 * thousands of requests) neither worker holds a torrent, counts a request or has sent or received a
 * sync record.
 */
class WarmUpClusterIT {
    private static final int[] PORTS = LoopbackPorts.freeBlock(6);
    private static final int[] CLIENT = {PORTS[0], PORTS[1]};
    private static final int[] SYNC = {PORTS[2], PORTS[3]};

    private static WorkerProcess worker(int i, int warmUpRequests, Path key) {
        Map<String, String> p = WorkerProcess.loopbackClusterMember(CLIENT, SYNC, i, key);
        p.put("tracker.warm-up.requests", Integer.toString(warmUpRequests));
        return new WorkerProcess("warm-up-worker-" + (i + 1), PORTS[4 + i], p);
    }

    @Test
    void aWarmUpBesideASiblingLeavesNoTraceInEither() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "it-warm-up").toAbsolutePath());
        Path key = Files.write(dir.resolve("cluster.key"), "warm-up test cluster secret".getBytes(StandardCharsets.UTF_8));
        try (WorkerProcess sibling = worker(0, 0, key).start()) {
            sibling.awaitReady(60_000);
            try (WorkerProcess warmed = worker(1, 5000, key).start()) {
                warmed.awaitReady(60_000);
                assertTrue(Files.readString(warmed.log()).contains("warm-up: 5000 requests"), "the warm-up ran");
                for (WorkerProcess w : new WorkerProcess[] {sibling, warmed}) {
                    String m = w.metrics();
                    assertEquals(0, PrometheusText.value(m, "tracker_torrents"), "torrents");
                    assertEquals(0, PrometheusText.sum(m, "tracker_announces_total", ""), "announces");
                    assertEquals(0, PrometheusText.sum(m, "tracker_scrapes_total", ""), "scrapes");
                    assertEquals(0, PrometheusText.sum(m, "tracker_errors_total", ""), "errors");
                    assertEquals(0, PrometheusText.sum(m, "tracker_udp_connects_total", ""), "connects");
                    assertEquals(0, PrometheusText.sum(m, "tracker_cluster_records_total", ""), "sync records");
                }
            }
        }
    }
}
