package dev.kubetracker.operator.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.kubetracker.operator.model.TrackerStatus;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A tiny loopback HTTP server stands in for a worker pod's /q/metrics. */
class WorkerDigestsTest {
    static final String OLD = "2".repeat(64);
    static final String NEW = "1".repeat(64);
    static final ResourceID TRACKER = new ResourceID("t", "ns");

    final AtomicReference<String> served = new AtomicReference<>(OLD);
    final WorkerDigests digests = new WorkerDigests();
    HttpServer worker;

    @BeforeEach
    void startWorker() throws IOException {
        worker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        worker.createContext("/q/metrics", exchange -> {
            byte[] body = ("tracker_access_list_entries 3.0\ntracker_access_list_info{digest=\"" + served.get()
                    + "\"} 1.0\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        worker.start();
    }

    @AfterEach
    void stop() {
        worker.stop(0);
        digests.close();
    }

    URI metrics() {
        return URI.create("http://127.0.0.1:" + worker.getAddress().getPort() + "/q/metrics");
    }

    /** Polls until the status shows {@code onNewest} of the two workers (one real, one unreachable). */
    TrackerStatus.AccessListStatus pollUntil(int onNewest) {
        TrackerStatus.AccessListStatus status = new TrackerStatus.AccessListStatus();
        status.setDigest(NEW);
        Map<String, URI> workers = Map.of("w-0", metrics(), "w-1", URI.create("http://127.0.0.1:1/q/metrics"));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            digests.refresh(TRACKER, workers);
            Map<String, String> loaded = digests.last(TRACKER);
            WorkersOnList.of(status.getDigest(), List.of("w-0", "w-1").stream().map(loaded::get).toList())
                    .writeTo(status);
            return status.getWorkersOnNewest() == onNewest && status.getWorkersReporting() == 1;
        });
        return status;
    }

    @Test
    void theStatusFollowsTheDigestTheWorkerReports() {
        assertEquals(0, pollUntil(0).getWorkersOnNewest()); // the worker still enforces the old list
        served.set(NEW); // it reloads the new one
        assertEquals(1, pollUntil(1).getWorkersOnNewest());
        served.set(OLD);
        assertEquals(0, pollUntil(0).getWorkersOnNewest());
    }
}
