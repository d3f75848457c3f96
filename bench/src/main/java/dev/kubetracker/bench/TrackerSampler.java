package dev.kubetracker.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Once a second, each worker's resident memory (VmRSS from /proc), whether its process lives, and its
 * metrics; on a thread of its own until closed.
 */
public final class TrackerSampler implements AutoCloseable {
    /** One worker: its process id (0: unknown) and metrics address (null: none). */
    public record Target(long pid, URI metrics) {
    }

    /**
     * One look at one worker, {@code seconds} after the sampler started.
     *
     * @param rssBytes -1 when unknown (no pid, or the process is gone)
     * @param metrics null when the worker did not answer
     */
    public record Sample(double seconds, long rssBytes, boolean alive, TrackerMetrics metrics) {
    }

    private final List<Target> targets;
    private final List<List<Sample>> samples = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tracker-sampler");
        t.setDaemon(true);
        return t;
    });
    private long startNanos;

    public TrackerSampler(List<Target> targets) {
        this.targets = List.copyOf(targets);
        for (int i = 0; i < targets.size(); i++) {
            samples.add(new ArrayList<>());
        }
    }

    /** Takes a first sample now, then one a second. */
    public void start(long startNanos) {
        this.startNanos = startNanos;
        timer.scheduleAtFixedRate(this::sampleAll, 0, 1, TimeUnit.SECONDS);
    }

    /** Stops the timer and takes a last sample; then {@link #samples()} is complete. */
    public List<List<Sample>> finish() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        sampleAll();
        synchronized (samples) {
            List<List<Sample>> copy = new ArrayList<>();
            for (List<Sample> s : samples) {
                copy.add(List.copyOf(s));
            }
            return copy;
        }
    }

    private void sampleAll() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        for (int i = 0; i < targets.size(); i++) {
            Sample s = sample(targets.get(i), seconds);
            synchronized (samples) {
                samples.get(i).add(s);
            }
        }
    }

    private Sample sample(Target t, double seconds) {
        boolean alive = t.pid() > 0 && ProcessHandle.of(t.pid()).map(ProcessHandle::isAlive).orElse(false);
        long rss = -1;
        if (alive) {
            try {
                rss = vmRssBytes(Files.readString(Path.of("/proc", Long.toString(t.pid()), "status")));
            } catch (IOException e) {
                alive = false; // the process ended between the two looks
            }
        }
        return new Sample(seconds, rss, alive, t.metrics() == null ? null : metrics(t.metrics()));
    }

    private TrackerMetrics metrics(URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(900)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? TrackerMetrics.parse(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** VmRSS of a /proc/PID/status text in bytes, or -1 when it has none (a kernel thread, a zombie). */
    static long vmRssBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
