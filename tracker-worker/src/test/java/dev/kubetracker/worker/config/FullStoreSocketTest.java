package dev.kubetracker.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.TrackerWorker;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.UdpClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tracker.max-torrents} and {@code tracker.store-shards} together: the cap is an even share per
 * shard, so with 2 shards and 4 torrents a shard takes 2 (1 shard would take 4, 1024 shards 1); past it
 * a new torrent gets {@code tracker full} over HTTP and UDP while known torrents keep being served.
 */
@QuarkusTest
@TestProfile(FullStoreSocketTest.TwoShardsFourTorrents.class)
class FullStoreSocketTest {

    public static final class TwoShardsFourTorrents implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracker.store-shards", "2", "tracker.max-torrents", "4", "tracker.store-budget", "8M");
        }
    }

    @Inject
    TrackerConfig config;
    @Inject
    TrackerWorker worker;

    /** A hash whose first byte picks the shard (0x00: the first of 2, and of 1024; 0x80: the second of 2). */
    private static byte[] hash(int firstByte, int n) {
        byte[] h = new byte[20];
        h[0] = (byte) firstByte;
        h[19] = (byte) n;
        return h;
    }

    private RawHttp.Response announce(byte[] hash, int port) throws IOException {
        return RawHttp.get("127.0.0.1", config.http().port(), "/announce?info_hash=" + RawHttp.percentEncode(hash)
                + "&peer_id=-KT0001-abcdefghijkl&port=" + port + "&left=0");
    }

    private static boolean accepted(RawHttp.Response r) {
        assertEquals(200, r.status(), r::text);
        return !Bencode.dict(r.body()).containsKey("failure reason");
    }

    @Test
    void aShardPastItsShareRefusesNewTorrentsAndServesKnownOnes() throws IOException {
        long httpFull = worker.counters().errors(Protocol.HTTP, ErrorReason.TRACKER_FULL);
        long udpFull = worker.counters().errors(Protocol.UDP, ErrorReason.TRACKER_FULL);
        assertTrue(accepted(announce(hash(0x00, 1), 6001)));
        assertTrue(accepted(announce(hash(0x00, 2), 6001)));

        RawHttp.Response full = announce(hash(0x00, 3), 6001);
        assertEquals("d14:failure reason46:tracker full: no new torrents are accepted nowe", full.text());
        try (UdpClient udp = new UdpClient("127.0.0.1", config.udp().port())) {
            assertEquals("tracker full: no new torrents are accepted now",
                    UdpClient.errorText(udp.announce(udp.connect(), hash(0x00, 4), 2, 0, -1, 6001)));
        }
        assertEquals(httpFull + 1, worker.counters().errors(Protocol.HTTP, ErrorReason.TRACKER_FULL));
        assertEquals(udpFull + 1, worker.counters().errors(Protocol.UDP, ErrorReason.TRACKER_FULL));

        assertTrue(accepted(announce(hash(0x00, 1), 6002)), "a new peer of a known torrent is served");
        assertTrue(accepted(announce(hash(0x80, 1), 6001)), "the other shard has room of its own");
        assertEquals(3, worker.store().torrents());
    }

    @Test
    void theStoreKeepsWithinTheConfiguredBudgetAndSaysSo() throws IOException {
        assertEquals(8L << 20, worker.store().budgetBytes());
        assertTrue(accepted(announce(hash(0x80, 2), 6003)));
        assertTrue(worker.store().bytes() > 0 && worker.store().bytes() <= worker.store().budgetBytes());
        assertEquals(worker.store().recountBytes(), worker.store().bytes());
    }
}
