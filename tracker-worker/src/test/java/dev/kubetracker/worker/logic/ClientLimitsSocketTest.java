package dev.kubetracker.worker.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.TrackerWorker;
import dev.kubetracker.worker.config.TrackerConfig;
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
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Per-client limits on a real worker: one client (127.0.0.1) over its requests per second and its new
 * torrents per minute is refused over UDP and HTTP, counted by reason and named by
 * {@code /stats?mode=woodpeckers}, while another client (127.0.0.2) is served.
 */
@QuarkusTest
@TestProfile(ClientLimitsSocketTest.TightLimits.class)
class ClientLimitsSocketTest {

    public static final class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracker.limits.requests-per-second", "20", "tracker.limits.new-torrents-per-minute", "3",
                    "tracker.host", "::");
        }
    }

    @Inject
    TrackerConfig config;
    @Inject
    TrackerWorker worker;

    private static byte[] hash(int n) {
        byte[] h = new byte[20];
        h[0] = 0x42;
        h[19] = (byte) n;
        return h;
    }

    @Test
    void aClientOverItsLimitsIsRefusedAndNamedWhileAnotherIsServed() throws IOException {
        int port = config.udp().port();
        try (UdpClient flooder = new UdpClient("127.0.0.1", port); UdpClient neighbour = new UdpClient("127.0.0.2", port)) {
            long id = flooder.connect();
            for (int n = 1; n <= 3; n++) {
                assertEquals(1, flooder.announce(id, hash(n), 2, 1, -1, 6881).getInt(0), "torrent " + n + " created");
            }
            assertEquals(AnnounceOutcome.TORRENT_RATE_LIMITED.failureReason(),
                    UdpClient.errorText(flooder.announce(id, hash(4), 2, 1, -1, 6881)));
            assertEquals(1, flooder.announce(id, hash(1), 0, 1, -1, 6881).getInt(0), "a known torrent is served");

            String refused = null;
            for (int i = 0; i < 100 && refused == null; i++) { // 20 a second with a burst of 20: refused soon
                ByteBuffer reply = flooder.announce(id, hash(1), 0, 1, -1, 6881);
                if (reply.getInt(0) == 3) {
                    refused = UdpClient.errorText(reply);
                }
            }
            assertEquals(AnnounceOutcome.RATE_LIMITED.failureReason(), refused);

            String scrapeRefused = null;
            for (int i = 0; i < 100 && scrapeRefused == null; i++) { // scrapes spend the same allowance
                ByteBuffer reply = flooder.scrape(id, hash(1), hash(2), hash(3), hash(4));
                if (reply.getInt(0) == 3) {
                    scrapeRefused = UdpClient.errorText(reply);
                }
            }
            assertEquals(AnnounceOutcome.RATE_LIMITED.failureReason(), scrapeRefused);

            long neighbourId = neighbour.connect();
            assertEquals(1, neighbour.announce(neighbourId, hash(4), 2, 1, -1, 6882).getInt(0),
                    "another address creates the torrent the flooder could not");
        }
        Object httpRefusal = null;
        for (int i = 0; i < 100 && httpRefusal == null; i++) { // the same client over HTTP shares the allowance
            RawHttp.Response http = RawHttp.get("127.0.0.1", config.http().port(), "/announce?info_hash="
                    + RawHttp.percentEncode(hash(1)) + "&port=6883&left=1");
            assertEquals(200, http.status());
            httpRefusal = Bencode.dict(http.body()).get("failure reason");
        }
        assertEquals(AnnounceOutcome.RATE_LIMITED.failureReason(), new String((byte[]) httpRefusal));
        for (String scrape : new String[] {"/scrape?info_hash=" + RawHttp.percentEncode(hash(1)), "/scrape"}) {
            Object scrapeRefusal = null;
            for (int i = 0; i < 100 && scrapeRefusal == null; i++) { // named and full scrapes alike
                RawHttp.Response http = RawHttp.get("127.0.0.1", config.http().port(), scrape);
                assertEquals(200, http.status());
                scrapeRefusal = Bencode.dict(http.body()).get("failure reason");
            }
            assertEquals(AnnounceOutcome.RATE_LIMITED.failureReason(), new String((byte[]) scrapeRefusal), scrape);
        }

        assertTrue(worker.counters().errors(Protocol.UDP, ErrorReason.RATE_LIMITED) >= 1);
        assertEquals(1, worker.counters().errors(Protocol.UDP, ErrorReason.TORRENT_RATE_LIMITED));
        String woodpeckers = RawHttp.get("127.0.0.1", config.http().port(), "/stats?mode=woodpeckers").text();
        assertTrue(woodpeckers.startsWith("127.0.0.1 "), woodpeckers);
        assertTrue(RawHttp.get("127.0.0.1", config.http().port(), "/stats?mode=refusals").text()
                .contains("udp rate_limited "));
    }
}
