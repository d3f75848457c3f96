package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.FloodedWorker;
import dev.kubetracker.worker.testing.PrometheusText;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.SmallHeap;
import dev.kubetracker.worker.testing.UdpFlood;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two synced workers on small heaps, one of them flooded with new torrents (issue 12): the flooded one
 * fills its store and refuses, the other gets the flood as sync records and, its store full too, counts
 * what it cannot apply. Both stay up, keep serving known torrents and answer new ones.
 *
 * <p>Worker 2's budget is smaller than worker 1's: with equal budgets it would receive exactly what
 * worker 1 had room for, hash for hash, and fill its store without a record to refuse.
 */
class ClusterFloodIT {
    private static final long FLOOD_MAX_ANNOUNCES = 2_000_000;
    private static final long FLOOD_MAX_MILLIS = 60_000;
    private static final long FLOOD_REFUSALS = 20_000;
    private static final List<String> FLOOD_SOURCES = List.of("127.0.0.10", "127.0.0.11", "127.0.0.12",
            "127.0.0.13", "127.0.0.14", "127.0.0.15", "127.0.0.16", "127.0.0.17");

    @Test
    void floodingOneWorkerFillsBothStoresAndBothKeepServing() throws Exception {
        int[] ports = LoopbackPorts.freeBlock(6);
        int[] client = {ports[0], ports[1]};
        int[] sync = {ports[2], ports[3]};
        int[] management = {ports[4], ports[5]};
        Path dir = Files.createDirectories(Path.of("target", "it-cluster-flood").toAbsolutePath());
        Path keyFile = Files.writeString(dir.resolve("cluster.key"), "cluster flood integration test secret");
        Path connectionIdKey = Files.writeString(dir.resolve("connection-id.key"), "shared connection id key");
        byte[] known = "cluster-flood-known1".getBytes(StandardCharsets.US_ASCII);

        WorkerProcess[] workers = new WorkerProcess[2];
        try (WorkerProcess first = worker(1, client[0], sync, management[0], keyFile, connectionIdKey);
             WorkerProcess second = worker(2, client[1], sync, management[1], keyFile, connectionIdKey)) {
            workers[0] = first.start();
            workers[1] = second.start();
            WorkerProcess.awaitAllReady(60_000, workers);
            FloodedWorker.announceKnownTorrent(client[0], known);
            awaitSeeders(client[1], known, 2, 10_000);

            UdpFlood.Result flood;
            try (UdpFlood udpFlood = new UdpFlood(client[0], FLOOD_SOURCES, 0x636C7573746572L)) {
                flood = udpFlood.run(FLOOD_MAX_ANNOUNCES, FLOOD_MAX_MILLIS, FloodedWorker.TRACKER_FULL, FLOOD_REFUSALS);
            }
            System.out.println("cluster flood: " + flood);
            assertFalse(flood.silent(), () -> "worker 1 stopped answering the flood (" + flood + "); see " + first.log());
            assertTrue(flood.errors(FloodedWorker.TRACKER_FULL) >= FLOOD_REFUSALS,
                    () -> "the flood did not end in tracker full refusals: " + flood + "; see " + first.log());

            WorkerProcess.awaitAllReady(5_000, workers); // alive and ready
            String metrics = second.metrics();
            double refused = PrometheusText.sum(metrics, "tracker_cluster_records_refused_total", "source=\"sync\"");
            double bytes = PrometheusText.value(metrics, "tracker_store_bytes");
            double budget = PrometheusText.value(metrics, "tracker_store_budget_bytes");
            System.out.printf("worker 2: %.0f sync records refused, store %.0f bytes of a budget of %.0f%n",
                    refused, bytes, budget);
            assertTrue(bytes <= budget, () -> "worker 2's store " + bytes + " bytes, budget " + budget);
            assertTrue(refused > 0, () -> "worker 2 refused no sync records; its store holds " + bytes + " of "
                    + budget + " bytes; see " + second.log());

            FloodedWorker.assertServesKnownTorrent(client[0], known);
            FloodedWorker.assertServesKnownTorrent(client[1], known);
            FloodedWorker.assertRefusesNewTorrent(client[0], flood.lastRefusedHash());
            FloodedWorker.assertServesOrRefusesNewTorrent(client[1], "cluster-flood-new-2!".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static WorkerProcess worker(int n, int client, int[] sync, int management, Path keyFile,
                                        Path connectionIdKey) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("tracker.http.port", Integer.toString(client));
        p.put("tracker.udp.port", Integer.toString(client));
        p.put("tracker.udp.sockets", "1");
        p.put("tracker.cluster.port", Integer.toString(sync[n - 1]));
        p.put("tracker.cluster.peers", "127.0.0.1:" + sync[0] + ",127.0.0.1:" + sync[1]); // its own entry is skipped
        p.put("tracker.cluster.key-file", keyFile.toString());
        p.put("tracker.udp.connection-id.key-file", connectionIdKey.toString());
        // No per-client limits: the budgets alone must hold the flood.
        p.put("tracker.limits.requests-per-second", "0");
        p.put("tracker.limits.new-torrents-per-minute", "0");
        if (n == 2) {
            p.put("tracker.store-budget", "12M"); // the default on this heap is 16M
        }
        return new WorkerProcess("cluster-flood-worker-" + n, management, p, SmallHeap.jvmOptions(96));
    }

    private static void awaitSeeders(int port, byte[] hash, long seeders, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (seeders(port, hash) != seeders) {
            assertTrue(System.currentTimeMillis() < deadline, "the known torrent's " + seeders
                    + " seeders did not reach worker 2 within " + timeoutMillis + " ms");
            Thread.sleep(20);
        }
    }

    private static long seeders(int port, byte[] hash) throws IOException {
        Map<String, Object> reply = Bencode.dict(RawHttp.get("127.0.0.1", port,
                "/scrape?info_hash=" + RawHttp.percentEncode(hash)).body());
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) ((Map<String, Object>) reply.get("files")).get(Bencode.key(hash));
        return (Long) counts.get("complete");
    }
}
