package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator's mode: three workers on their own addresses (127.0.0.1, .2, .3) with the same client
 * and cluster ports, finding each other through one name with three A records, as a headless Service
 * gives them. The name comes from a hosts file ({@code -Djdk.net.hosts.file}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterDnsIT {
    private static final String[] HOSTS = {"127.0.0.1", "127.0.0.2", "127.0.0.3"};
    private static final String SERVICE = "kubetracker-sync.cluster.test";
    private static final int[] PORTS = LoopbackPorts.freeBlock(5);
    private static final int CLIENT = PORTS[0];
    private static final int SYNC = PORTS[1];
    private static final int[] MANAGEMENT = {PORTS[2], PORTS[3], PORTS[4]};

    private final WorkerProcess[] workers = new WorkerProcess[3];

    @BeforeAll
    void startThreeWorkersFoundByName() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "it-cluster-dns").toAbsolutePath());
        Path key = Files.write(dir.resolve("cluster.key"), "cluster dns integration test secret".getBytes(StandardCharsets.UTF_8));
        StringBuilder hosts = new StringBuilder();
        for (String h : HOSTS) {
            hosts.append(h).append(' ').append(SERVICE).append('\n');
        }
        Path hostsFile = Files.writeString(dir.resolve("hosts"), hosts);
        for (int i = 0; i < 3; i++) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("tracker.host", HOSTS[i]);
            p.put("tracker.http.port", Integer.toString(CLIENT));
            p.put("tracker.udp.port", Integer.toString(CLIENT));
            p.put("tracker.udp.sockets", "1");
            p.put("tracker.cluster.port", Integer.toString(SYNC));
            p.put("tracker.cluster.dns", SERVICE);
            p.put("tracker.cluster.dns-refresh", "1S");
            p.put("tracker.cluster.key-file", key.toString());
            workers[i] = new WorkerProcess("cluster-dns-worker-" + (i + 1), MANAGEMENT[i], p,
                    List.of("-Djdk.net.hosts.file=" + hostsFile)).start();
        }
        WorkerProcess.awaitAllReady(60_000, workers);
    }

    @AfterAll
    void stopWorkers() throws InterruptedException {
        WorkerProcess.closeAll(workers);
    }

    private static RawHttp.Response announce(int worker, byte[] hash, int port, String event) throws IOException {
        return RawHttp.get(HOSTS[worker], CLIENT, "/announce?info_hash=" + RawHttp.percentEncode(hash)
                + "&peer_id=-KT0001-abcdefghijkl&port=" + port + "&left=0&numwant=50"
                + (event == null ? "" : "&event=" + event));
    }

    private static long seeders(int worker, byte[] hash) throws IOException {
        Map<String, Object> reply = Bencode.dict(RawHttp.get(HOSTS[worker], CLIENT,
                "/scrape?info_hash=" + RawHttp.percentEncode(hash)).body());
        @SuppressWarnings("unchecked")
        Map<String, Object> files = (Map<String, Object>) reply.get("files");
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) files.get(Bencode.key(hash));
        return counts == null ? 0 : (Long) counts.get("complete");
    }

    private static void await(IoCondition condition, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.get()) {
            assertTrue(System.currentTimeMillis() < deadline, what + " not within 10 s");
            Thread.sleep(20);
        }
    }

    @FunctionalInterface
    private interface IoCondition {
        boolean get() throws IOException;
    }

    @Test
    void eachWorkerSeesTheOtherTwoAndAPeerAnnouncedToOneReachesTheOthers() throws Exception {
        for (int i = 0; i < 3; i++) {
            WorkerProcess w = workers[i];
            await(() -> w.metrics().contains("tracker_cluster_siblings 2.0"),
                    "worker on " + HOSTS[i] + " finding its two siblings (see " + w.log() + ")");
        }
        byte[] hash = new byte[20];
        new Random(11).nextBytes(hash);
        assertEquals(200, announce(0, hash, 7101, "started").status());
        for (int w = 1; w < 3; w++) {
            int worker = w;
            await(() -> seeders(worker, hash) == 1, "the peer reaching the worker on " + HOSTS[w]);
        }
        assertEquals(200, announce(2, hash, 7101, "stopped").status());
        for (int w = 0; w < 2; w++) {
            int worker = w;
            await(() -> seeders(worker, hash) == 0, "the stop reaching the worker on " + HOSTS[w]);
        }
    }
}
