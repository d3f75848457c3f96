package dev.kubetracker.worker.access;

import static dev.kubetracker.worker.access.AccessListProfiles.ALLOWED;
import static dev.kubetracker.worker.access.AccessListSupport.announce;
import static dev.kubetracker.worker.access.AccessListSupport.refusedOverHttp;
import static dev.kubetracker.worker.access.AccessListSupport.scrape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.TrackerWorker;
import dev.kubetracker.worker.testing.Await;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(AccessListProfiles.WhitelistSighup.class)
class WhitelistSighupSocketTest {
    static final String NEWCOMER = "5555555555555555555555555555555555555555";

    @Inject
    TrackerWorker worker;

    @Test
    void sighupReloadsAnUnwatchedList() throws Exception {
        for (int port = 1; port <= 3; port++) {
            assertEquals(200, announce(ALLOWED, 40000 + port, 0).status());
        }
        // Unwatched, the reloader runs no watcher thread (events and the 5 s poll both live there), so
        // nothing but a reload call can change the list. A watcher of an earlier test's worker may still be
        // on its way out.
        Await.until("no access-list watcher thread", Duration.ofSeconds(10), () -> Thread.getAllStackTraces()
                .keySet().stream().noneMatch(t -> t.getName().equals("access-list-watch")));
        long reloads = worker.accessListReloader().reloads();
        Files.writeString(AccessListProfiles.WhitelistSighup.FILE, ALLOWED + "\n" + NEWCOMER + "\n");
        assertTrue(refusedOverHttp(NEWCOMER), "an unwatched list changes only on SIGHUP");

        // This JVM is the worker (QuarkusTest runs it in-process): signal ourselves, as an operator would.
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
        Await.until("the reload SIGHUP asks for", Duration.ofSeconds(10),
                () -> worker.accessListReloader().reloads() > reloads);
        assertFalse(refusedOverHttp(NEWCOMER));
        assertEquals(reloads + 1, worker.accessListReloader().reloads(), "one SIGHUP, one reload");
        assertArrayEquals(new long[] {3, 0}, scrape(ALLOWED), "allowed swarm kept all its peers");
    }
}
