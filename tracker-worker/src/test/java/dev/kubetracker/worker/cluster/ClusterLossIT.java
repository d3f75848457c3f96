package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Await;
import dev.kubetracker.worker.testing.PrometheusText;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.UdpFlood;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real sync loss without iptables: worker 3 is frozen (SIGSTOP) while a flood of announces goes to
 * worker 1, so worker 3's sync socket overflows and the kernel drops datagrams. After SIGCONT the
 * loss must show in worker 3's lost counter, and anti-entropy must bring all three to the same state
 * (every torrent's counts, and the digest of every peer) within 30 s; a {@code stopped} lost the same
 * way must be repaired too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterLossIT {
    private static final int[] PORTS = LoopbackPorts.freeBlock(9);
    private static final int[] CLIENT = {PORTS[0], PORTS[1], PORTS[2]};
    private static final int[] SYNC = {PORTS[3], PORTS[4], PORTS[5]};
    private static final int[] MANAGEMENT = {PORTS[6], PORTS[7], PORTS[8]};
    private static final int FLOOD_ANNOUNCES = 8_000;
    private static final long FLOOD_MAX_MILLIS = 15_000;
    private static final Duration CONVERGENCE = Duration.ofSeconds(30);

    private final WorkerProcess[] workers = new WorkerProcess[3];

    @BeforeAll
    void startThreeWorkers() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "it-cluster-loss").toAbsolutePath());
        Path keyFile = Files.write(dir.resolve("cluster.key"),
                "cluster loss test secret, long enough".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 3; i++) {
            Map<String, String> p = WorkerProcess.loopbackClusterMember(CLIENT, SYNC, i, keyFile);
            p.put("tracker.cluster.anti-entropy-interval", "1S");
            p.put("tracker.limits.requests-per-second", "0"); // the flood comes from one address
            p.put("tracker.limits.new-torrents-per-minute", "0");
            workers[i] = new WorkerProcess("cluster-loss-" + (i + 1), MANAGEMENT[i], p).start();
        }
        WorkerProcess.awaitAllReady(60_000, workers);
    }

    @AfterAll
    void stopWorkers() throws InterruptedException {
        WorkerProcess.closeAll(workers);
    }

    private static String cluster(int worker) throws IOException {
        return RawHttp.get("127.0.0.1", CLIENT[worker], "/stats?mode=cluster").text();
    }

    /** What a worker holds: every torrent's counts in hash order, and the digest of every peer it holds. */
    private static String state(int worker) throws IOException {
        String digest = cluster(worker).lines().filter(l -> l.startsWith("state_digest ")).findFirst().orElseThrow();
        return digest + "\n" + RawHttp.get("127.0.0.1", CLIENT[worker], "/stats?mode=tpbs&format=txtp").text();
    }

    private static boolean allHoldTheSameState() throws IOException {
        String first = state(0);
        return first.equals(state(1)) && first.equals(state(2));
    }

    private static RawHttp.Response announce(int worker, String hash, int port, String event) throws IOException {
        return RawHttp.get("127.0.0.1", CLIENT[worker], "/announce?info_hash=" + hash
                + "&peer_id=-KT0001-lossylossyxy&port=" + port + "&left=100" + (event == null ? "" : "&event=" + event));
    }

    @Test
    void afterRealLossTheLostCounterShowsItAndAllThreeWorkersConverge() throws Exception {
        String ghost = "ghost-of-a-lost-stop"; // 20 bytes: a percent-free info hash
        assertEquals(200, announce(0, ghost, 7001, "started").status());
        Await.until("the peer on every worker", CONVERGENCE, ClusterLossIT::allHoldTheSameState);
        // A stopped wins only when strictly newer than the peer's last announce (ties favour the peer):
        // let the wall-clock minute turn first.
        long minute = System.currentTimeMillis() / 60_000;
        Await.until("the next minute", Duration.ofSeconds(65), () -> System.currentTimeMillis() / 60_000 > minute);

        UdpFlood.Result flood;
        workers[2].pause();
        try {
            try (UdpFlood udp = new UdpFlood(CLIENT[0], List.of("127.0.0.41"), 0x6C6F7373L)) {
                flood = udp.run(FLOOD_ANNOUNCES, FLOOD_MAX_MILLIS, "never", 1);
            }
            assertEquals(200, announce(0, ghost, 7001, "stopped").status()); // sent while worker 3's socket is full
        } finally {
            workers[2].resume();
        }
        System.out.println("loss flood: " + flood);
        assertTrue(flood.served() > FLOOD_ANNOUNCES / 2, flood::toString);
        for (int i = 0; i < 100; i++) { // later datagrams, whose sequence numbers reveal the gap
            announce(0, String.format("after-the-loss-%05d", i), 7002, null);
        }

        Await.until("worker 3 counting lost datagrams", CONVERGENCE, () ->
                PrometheusText.value(workers[2].metrics(), "tracker_cluster_lost_total") > 0);
        Duration took = Await.until("three workers with identical state", CONVERGENCE,
                ClusterLossIT::allHoldTheSameState);
        System.out.println("converged " + took.toMillis() + " ms after the loss was seen; worker 3:\n" + cluster(2));
        String ghostHex = java.util.HexFormat.of().withUpperCase().formatHex(ghost.getBytes(StandardCharsets.US_ASCII));
        String full = RawHttp.get("127.0.0.1", CLIENT[2], "/stats?mode=tpbs&format=txtp").text();
        assertFalse(full.lines().anyMatch(l -> l.startsWith(ghostHex + ":") && !l.startsWith(ghostHex + ":0:0:")),
                "the stopped lost on the way to worker 3 was repaired there");
        String metrics = workers[2].metrics();
        assertTrue(PrometheusText.sum(metrics, "tracker_cluster_anti_entropy_rounds_total", "outcome=\"repaired\"") > 0);
        assertTrue(PrometheusText.value(metrics, "tracker_cluster_anti_entropy_shards_total") > 0);
        assertNotEquals(0.0, PrometheusText.sum(metrics, "tracker_cluster_anti_entropy_peers_total", "added"));
    }
}
