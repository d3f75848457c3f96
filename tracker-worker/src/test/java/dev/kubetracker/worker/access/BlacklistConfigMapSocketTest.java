package dev.kubetracker.worker.access;

import static dev.kubetracker.worker.access.AccessListProfiles.ALLOWED;
import static dev.kubetracker.worker.access.AccessListProfiles.LATER_REFUSED;
import static dev.kubetracker.worker.access.AccessListProfiles.REFUSED;
import static dev.kubetracker.worker.access.AccessListSupport.announce;
import static dev.kubetracker.worker.access.AccessListSupport.awaitRefused;
import static dev.kubetracker.worker.access.AccessListSupport.fullScrape;
import static dev.kubetracker.worker.access.AccessListSupport.get;
import static dev.kubetracker.worker.access.AccessListSupport.refusedOverHttp;
import static dev.kubetracker.worker.access.AccessListSupport.scrape;
import static dev.kubetracker.worker.access.AccessListSupport.udpAnnounceError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.InfoHashes;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.TestWorker;
import dev.kubetracker.worker.testing.UdpClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(AccessListProfiles.BlacklistConfigMap.class)
class BlacklistConfigMapSocketTest {

    @Test
    void aBlacklistedHashIsRefusedOnAnnounceAndUnknownToEveryScrape() throws Exception {
        assertTrue(refusedOverHttp(REFUSED));
        assertEquals(AccessList.REFUSAL, udpAnnounceError(REFUSED));
        assertArrayEquals(new long[] {0, 0}, scrape(REFUSED), "a named scrape answers zeros, as for an unknown hash");
        try (UdpClient client = new UdpClient("127.0.0.1", TestWorker.clientPort())) {
            ByteBuffer scrape = client.scrape(client.connect(), InfoHashes.fromHex(REFUSED));
            assertEquals(0, scrape.getInt(8) | scrape.getInt(12) | scrape.getInt(16));
        }
        assertFalse(refusedOverHttp(ALLOWED));
        Map<String, Object> files = fullScrape();
        assertFalse(files.containsKey(Bencode.key(InfoHashes.fromHex(REFUSED))));
        assertTrue(files.containsKey(Bencode.key(InfoHashes.fromHex(ALLOWED))));
    }

    @Test
    void aConfigMapUpdateIsObeyedWithinSecondsAndAllowedSwarmsKeepEveryPeer() throws Exception {
        for (int port = 1; port <= 5; port++) {
            assertEquals(200, announce(ALLOWED, 20000 + port, port % 2).status());
            assertEquals(200, announce(LATER_REFUSED, 20000 + port, 1).status());
        }
        assertArrayEquals(new long[] {2, 3}, scrape(ALLOWED));
        assertArrayEquals(new long[] {0, 5}, scrape(LATER_REFUSED));

        new ConfigMapVolume(AccessListProfiles.BlacklistConfigMap.DIR, "blacklist")
                .publish(REFUSED + "\n" + LATER_REFUSED + "  added by GitOps\n");
        double seconds = awaitRefused(LATER_REFUSED, true);
        assertTrue(seconds < 10, "took " + seconds + " s");
        assertEquals(AccessList.REFUSAL, udpAnnounceError(LATER_REFUSED));
        assertArrayEquals(new long[] {2, 3}, scrape(ALLOWED), "allowed swarm kept all its peers");
        assertFalse(fullScrape().containsKey(Bencode.key(InfoHashes.fromHex(LATER_REFUSED))),
                "the refused swarm is gone");

        // Taking a hash off the blacklist lets it in again.
        new ConfigMapVolume(AccessListProfiles.BlacklistConfigMap.DIR, "blacklist").publish(REFUSED + "\n");
        awaitRefused(LATER_REFUSED, false);
        assertArrayEquals(new long[] {2, 3}, scrape(ALLOWED));
    }
}
