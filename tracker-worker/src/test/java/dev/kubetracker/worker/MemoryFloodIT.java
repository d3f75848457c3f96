package dev.kubetracker.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.cluster.LoopbackPorts;
import dev.kubetracker.worker.testing.FloodedWorker;
import dev.kubetracker.worker.testing.PrometheusText;
import dev.kubetracker.worker.testing.SmallHeap;
import dev.kubetracker.worker.testing.UdpFlood;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A worker process under abuse (issue 12): a flood of new torrents on a small heap ends in
 * {@code tracker full} refusals, not in an OutOfMemoryError, while known torrents keep being served; and
 * with the default per-client limits one address cannot create torrents without end while another
 * address still can.
 */
class MemoryFloodIT {
    private static final String TOO_MANY_NEW_TORRENTS = "rate limited: too many new torrents from your address";
    /** Well past the store's budget on a 96 MiB heap (16 MiB: some 130 000 torrents of one peer). */
    private static final long FLOOD_MAX_ANNOUNCES = 2_000_000;
    private static final long FLOOD_MAX_MILLIS = 60_000;
    /** Refusals to see before the flood stops: by then nearly every shard of the store is full. */
    private static final long FLOOD_REFUSALS = 20_000;
    private static final List<String> FLOOD_SOURCES = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5",
            "127.0.0.6", "127.0.0.7", "127.0.0.8", "127.0.0.9");

    private static Map<String, String> clientPorts(int client) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("tracker.http.port", Integer.toString(client));
        p.put("tracker.udp.port", Integer.toString(client));
        p.put("tracker.udp.sockets", "1");
        return p;
    }

    @Test
    void aFloodOfNewTorrentsOnASmallHeapEndsInTrackerFullWhileKnownTorrentsAreServed() throws Exception {
        int[] ports = LoopbackPorts.freeBlock(2);
        Map<String, String> settings = clientPorts(ports[0]);
        // No per-client limits: the store's budget alone must stop the flood.
        settings.put("tracker.limits.requests-per-second", "0");
        settings.put("tracker.limits.new-torrents-per-minute", "0");
        byte[] known = "memory-flood-known-1".getBytes(StandardCharsets.US_ASCII);
        try (WorkerProcess worker = new WorkerProcess("memory-flood", ports[1], settings, SmallHeap.jvmOptions(96))
                .start()) {
            worker.awaitReady(60_000);
            FloodedWorker.announceKnownTorrent(ports[0], known);

            UdpFlood.Result flood;
            try (UdpFlood udpFlood = new UdpFlood(ports[0], FLOOD_SOURCES, 0x6D656D6F7279L)) {
                flood = udpFlood.run(FLOOD_MAX_ANNOUNCES, FLOOD_MAX_MILLIS, FloodedWorker.TRACKER_FULL, FLOOD_REFUSALS);
            }
            System.out.println("memory flood: " + flood);
            assertFalse(flood.silent(), () -> "the worker stopped answering the flood (" + flood + "); see " + worker.log());
            assertTrue(flood.errors(FloodedWorker.TRACKER_FULL) >= FLOOD_REFUSALS,
                    () -> "the flood did not end in tracker full refusals: " + flood + "; see " + worker.log());

            worker.awaitReady(5_000); // alive and ready
            FloodedWorker.assertServesKnownTorrent(ports[0], known);
            FloodedWorker.assertRefusesNewTorrent(ports[0], flood.lastRefusedHash());
            String metrics = worker.metrics();
            double bytes = PrometheusText.value(metrics, "tracker_store_bytes");
            double budget = PrometheusText.value(metrics, "tracker_store_budget_bytes");
            System.out.printf("store %.0f bytes of a budget of %.0f%n", bytes, budget);
            assertTrue(Double.isFinite(budget) && bytes <= budget, () -> "store " + bytes + " bytes, budget " + budget);
            assertTrue(PrometheusText.sum(metrics, "tracker_errors_total", "reason=\"tracker_full\"") > 0);
        }
    }

    @Test
    void withDefaultLimitsOneAddressCreatesAboutAThousandTorrentsAMinuteAndAnotherStillCreatesTorrents()
            throws Exception {
        int[] ports = LoopbackPorts.freeBlock(2);
        int burst = 1000; // tracker.limits.new-torrents-per-minute's default, and its burst
        try (WorkerProcess worker = new WorkerProcess("default-limits", ports[1], clientPorts(ports[0])).start()) {
            worker.awaitReady(60_000);
            UdpFlood.Result flooder;
            try (UdpFlood flood = new UdpFlood(ports[0], List.of("127.0.0.20"), 0x6C696D697473L)) {
                flooder = flood.run(burst + 200, 20_000, TOO_MANY_NEW_TORRENTS, Long.MAX_VALUE);
            }
            System.out.println("one address: " + flooder);
            assertEquals(0, flooder.lost(), flooder::toString);
            // The burst, and the one torrent per 60 ms that the allowance recharges while the flood runs.
            long recharged = flooder.millis() / 60 + 1;
            assertTrue(flooder.served() >= burst && flooder.served() <= burst + recharged, flooder::toString);
            assertEquals(Map.of(TOO_MANY_NEW_TORRENTS, flooder.sent() - flooder.served()), flooder.errors());

            UdpFlood.Result other;
            try (UdpFlood flood = new UdpFlood(ports[0], List.of("127.0.0.21"), 0x6F74686572L)) {
                other = flood.run(100, 20_000, TOO_MANY_NEW_TORRENTS, 1);
            }
            assertEquals(100, other.served(), () -> "another address: " + other);
        }
    }
}
