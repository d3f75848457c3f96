package dev.kubetracker.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kubetracker.worker.testing.Await;
import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.FreePorts;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.UdpClient;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The middle of a key rotation (README, "Rotating the keys"): a worker of phase 1 (old keys, accepting
 * the new) and one of phase 2 (new keys, accepting the old) load each other's snapshot, sync both ways
 * and accept each other's UDP connection ids; a worker that knows only the new key refuses the old
 * one's ids. Real processes on free loopback ports.
 */
class KeyRotationIT {
    private static final Path DIR = Path.of("target", "it-key-rotation").toAbsolutePath();
    private static final byte[] HASH = "key-rotation-it-hash".getBytes(StandardCharsets.US_ASCII);

    private final List<WorkerProcess> workers = new ArrayList<>();

    @BeforeAll
    static void writeKeys() throws IOException {
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve("cluster-old.key"), "the old cluster key, 32 bytes!!!");
        Files.writeString(DIR.resolve("cluster-new.key"), "the new cluster key, 32 bytes!!!");
        Files.writeString(DIR.resolve("id-old.key"), "the old connection-id key");
        Files.writeString(DIR.resolve("id-new.key"), "the new connection-id key");
    }

    @AfterEach
    void stopWorkers() throws InterruptedException {
        for (WorkerProcess w : workers) {
            w.close();
        }
    }

    @Test
    void workersOnEitherSideOfTheSecondPhaseSyncAndAcceptEachOthersConnectionIds() throws Exception {
        int[] client = {FreePorts.tcpAndUdp(), FreePorts.tcpAndUdp()};
        int[] sync = {FreePorts.tcpAndUdp(), FreePorts.tcpAndUdp()};
        String peers = "127.0.0.1:" + sync[0] + ",127.0.0.1:" + sync[1];
        start("rotation-phase1", client[0], Map.of("tracker.cluster.port", Integer.toString(sync[0]),
                "tracker.cluster.peers", peers,
                "tracker.cluster.key-file", key("cluster-old"), "tracker.cluster.accepted-key-file", key("cluster-new"),
                "tracker.udp.connection-id.key-file", key("id-old"),
                "tracker.udp.connection-id.accepted-key-file", key("id-new")));
        assertEquals(200, announce(client[0], 7001).status());

        start("rotation-phase2", client[1], Map.of("tracker.cluster.port", Integer.toString(sync[1]),
                "tracker.cluster.peers", peers,
                "tracker.cluster.key-file", key("cluster-new"), "tracker.cluster.accepted-key-file", key("cluster-old"),
                "tracker.udp.connection-id.key-file", key("id-new"),
                "tracker.udp.connection-id.accepted-key-file", key("id-old")));
        assertEquals(1, seeders(client[1]), "the phase-1 worker's peer, from its snapshot");

        assertEquals(200, announce(client[1], 7002).status());
        Await.until("the phase-2 worker's peer synced to the phase-1 worker", Duration.ofSeconds(10),
                () -> seeders(client[0]) == 2);
        assertEquals(200, announce(client[0], 7003).status());
        Await.until("the phase-1 worker's peer synced to the phase-2 worker", Duration.ofSeconds(10),
                () -> seeders(client[1]) == 3);

        try (UdpClient phase1 = new UdpClient("127.0.0.1", client[0]);
                UdpClient phase2 = new UdpClient("127.0.0.1", client[1])) {
            assertEquals(1, phase2.announce(phase1.connect(), HASH, 2, 0, -1, 7004).getInt(0),
                    "an id of the old key at a phase-2 worker");
            assertEquals(1, phase1.announce(phase2.connect(), HASH, 2, 0, -1, 7005).getInt(0),
                    "an id of the new key at a phase-1 worker");

            int after = FreePorts.tcpAndUdp();
            start("rotation-done", after, Map.of("tracker.udp.connection-id.key-file", key("id-new")));
            try (UdpClient done = new UdpClient("127.0.0.1", after)) {
                assertEquals(3, done.announce(phase1.connect(), HASH, 2, 0, -1, 7006).getInt(0),
                        "without the accepted key, an id of the old key is an error");
                assertEquals(1, done.announce(phase2.connect(), HASH, 2, 0, -1, 7007).getInt(0));
            }
        }
    }

    private static String key(String name) {
        return DIR.resolve(name + ".key").toString();
    }

    private static RawHttp.Response announce(int port, int peerPort) throws IOException {
        return RawHttp.get("127.0.0.1", port, "/announce?info_hash=" + RawHttp.percentEncode(HASH)
                + "&peer_id=-KT0001-abcdefghijkl&port=" + peerPort + "&left=0");
    }

    private static long seeders(int port) throws IOException {
        Map<String, Object> reply = Bencode.dict(RawHttp.get("127.0.0.1", port, "/scrape?info_hash="
                + RawHttp.percentEncode(HASH)).body());
        @SuppressWarnings("unchecked")
        Map<String, Object> files = (Map<String, Object>) reply.get("files");
        if (files == null || files.isEmpty()) {
            return 0;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) files.values().iterator().next();
        return (Long) counts.get("complete");
    }

    private void start(String name, int client, Map<String, String> settings) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of("quarkus.management.host", "127.0.0.1",
                "tracker.host", "127.0.0.1", "tracker.udp.sockets", "1",
                "tracker.http.port", Integer.toString(client), "tracker.udp.port", Integer.toString(client),
                "tracker.cluster.port", Integer.toString(FreePorts.tcpAndUdp())));
        properties.putAll(settings);
        WorkerProcess worker = new WorkerProcess(name, FreePorts.tcp(), properties);
        workers.add(worker);
        worker.start().awaitReady(60_000);
    }
}
