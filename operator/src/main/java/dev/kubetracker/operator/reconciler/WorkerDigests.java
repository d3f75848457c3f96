package dev.kubetracker.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The access-list digest each ready worker of a Tracker last reported on its /q/metrics, read in the
 * background so that a slow or unreachable worker never holds up a reconcile: {@link #refresh} starts
 * a round (unless one is still running) and {@link #last} returns what the previous round found.
 */
@ApplicationScoped
public class WorkerDigests {

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "worker-digests");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(executor).build();
    private final Map<ResourceID, Map<String, String>> found = new ConcurrentHashMap<>();
    private final Map<ResourceID, CompletableFuture<?>> running = new ConcurrentHashMap<>();

    /** Reads the metrics of each worker (name to metrics URI) of a Tracker, unless a round is under way. */
    public void refresh(ResourceID tracker, Map<String, URI> workers) {
        running.compute(tracker, (id, round) -> round != null && !round.isDone() ? round : startRound(id, workers));
    }

    private CompletableFuture<?> startRound(ResourceID tracker, Map<String, URI> workers) {
        List<CompletableFuture<Map.Entry<String, String>>> reads = workers.entrySet().stream()
                .map(w -> digestOf(w.getValue()).thenApply(d -> Map.entry(w.getKey(), d))).toList();
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenRun(() -> found.put(tracker,
                reads.stream().map(CompletableFuture::join).filter(e -> !e.getValue().isEmpty())
                        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue))));
    }

    /** The worker's digest, or "" when it exports none or cannot be read. */
    private CompletableFuture<String> digestOf(URI metrics) {
        HttpRequest request = HttpRequest.newBuilder(metrics).timeout(TIMEOUT).GET().build();
        // line by line: only the one line is kept, however large the worker's metrics are
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> {
                    try (var lines = response.body()) {
                        if (response.statusCode() != 200) {
                            return "";
                        }
                        String digest = lines.map(WorkersOnList::digestIn).filter(d -> d != null)
                                .findFirst().orElse(null);
                        return digest == null ? "" : digest;
                    }
                })
                .exceptionally(e -> "");
    }

    /** Worker name to the digest it reported in the last finished round (empty before the first). */
    public Map<String, String> last(ResourceID tracker) {
        return found.getOrDefault(tracker, Map.of());
    }

    /** Drops what is known of a Tracker that no longer has a list (or no longer exists). */
    public void forget(ResourceID tracker) {
        found.remove(tracker);
        running.remove(tracker);
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
    }
}
