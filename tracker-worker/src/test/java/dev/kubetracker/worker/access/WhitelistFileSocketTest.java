package dev.kubetracker.worker.access;

import static dev.kubetracker.worker.access.AccessListProfiles.ALLOWED;
import static dev.kubetracker.worker.access.AccessListProfiles.LATER_REFUSED;
import static dev.kubetracker.worker.access.AccessListSupport.announce;
import static dev.kubetracker.worker.access.AccessListSupport.awaitRefused;
import static dev.kubetracker.worker.access.AccessListSupport.refusedOverHttp;
import static dev.kubetracker.worker.access.AccessListSupport.scrape;
import static dev.kubetracker.worker.access.AccessListSupport.udpAnnounceError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.TestWorker;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(AccessListProfiles.WhitelistFile.class)
class WhitelistFileSocketTest {
    static final String NEWCOMER = "4444444444444444444444444444444444444444";

    @Test
    void onlyWhitelistedHashesAreServedAndARewriteIsObeyedWithinSeconds() throws Exception {
        assertTrue(refusedOverHttp(LATER_REFUSED));
        assertEquals(AccessList.REFUSAL, udpAnnounceError(NEWCOMER));
        for (int port = 1; port <= 4; port++) {
            assertEquals(200, announce(ALLOWED, 30000 + port, 1).status());
        }
        assertArrayEquals(new long[] {0, 4}, scrape(ALLOWED));

        Files.writeString(AccessListProfiles.WhitelistFile.FILE, ALLOWED + "\n" + NEWCOMER + "\nnot a hash\n");
        awaitRefused(NEWCOMER, false);
        assertFalse(refusedOverHttp(ALLOWED));
        assertArrayEquals(new long[] {0, 4}, scrape(ALLOWED), "allowed swarm kept all its peers");

        String metrics = TestWorker.metrics();
        assertTrue(metrics.contains("tracker_access_list_entries{mode=\"whitelist\"} 2.0"), metrics);
        assertTrue(metrics.contains("tracker_access_list_malformed_lines 1.0"), metrics);
        assertTrue(metrics.matches("(?s).*tracker_access_list_refused_total\\{protocol=\"udp\"} [1-9].*"), metrics);
    }
}
