package dev.kubetracker.worker.access;

import static dev.kubetracker.worker.access.AccessListProfiles.ALLOWED;
import static dev.kubetracker.worker.access.AccessListSupport.announce;
import static dev.kubetracker.worker.access.AccessListSupport.awaitRefused;
import static dev.kubetracker.worker.access.AccessListSupport.refusedOverHttp;
import static dev.kubetracker.worker.access.AccessListSupport.scrape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(AccessListProfiles.WhitelistSighup.class)
class WhitelistSighupSocketTest {
    static final String NEWCOMER = "5555555555555555555555555555555555555555";

    @Test
    void sighupReloadsAnUnwatchedList() throws Exception {
        for (int port = 1; port <= 3; port++) {
            assertEquals(200, announce(ALLOWED, 40000 + port, 0).status());
        }
        Files.writeString(AccessListProfiles.WhitelistSighup.FILE, ALLOWED + "\n" + NEWCOMER + "\n");
        Thread.sleep(6_000); // longer than the 5 s poll would take, were the file watched
        assertTrue(refusedOverHttp(NEWCOMER), "an unwatched list changes only on SIGHUP");

        // This JVM is the worker (QuarkusTest runs it in-process): signal ourselves, as an operator would.
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
        awaitRefused(NEWCOMER, false);
        assertArrayEquals(new long[] {3, 0}, scrape(ALLOWED), "allowed swarm kept all its peers");
    }
}
