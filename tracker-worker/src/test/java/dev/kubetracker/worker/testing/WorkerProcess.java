package dev.kubetracker.worker.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged worker ({@code target/quarkus-app/quarkus-run.jar}) as a separate JVM process, for
 * tests that need real processes (clusters, kill and restart). Each run of a worker writes its own
 * log file under {@code target/it-logs/} ({@code <name>-run<n>.log}), so a restarted worker's log is
 * never mixed with its predecessor's.
 */
public final class WorkerProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /** The README's launcher ({@code tracker-worker/kubetracker}), relative to the module's directory. */
    private static final Path LAUNCHER = Path.of("kubetracker");
    private static final Map<String, Integer> RUNS = new ConcurrentHashMap<>();
    private static final Pattern START_TIME = Pattern.compile("(?m)^process_start_time_seconds(?:\\{[^}]*})? (\\S+)$");
    private static final long METRICS_RETRY_MILLIS = 5_000;

    private final String name;
    private final Map<String, String> properties;
    private final List<String> jvmOptions;
    private final int managementPort;
    private Map<String, String> environment = Map.of();
    private boolean viaLauncher;
    private TestNetwork.Host namespace;
    private Path log;
    private Process process;

    public WorkerProcess(String name, int managementPort, Map<String, String> properties) {
        this(name, managementPort, properties, List.of());
    }

    /** {@code jvmOptions} go on the java command line before the system properties (e.g. {@code -Djdk.net.hosts.file=...}). */
    public WorkerProcess(String name, int managementPort, Map<String, String> properties, List<String> jvmOptions) {
        this.name = name;
        this.managementPort = managementPort;
        this.properties = properties;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Environment variables for the process (e.g. {@code TRACKER_CLUSTER_KEY}); before {@link #start}. */
    public WorkerProcess environment(Map<String, String> variables) {
        this.environment = Map.copyOf(variables);
        return this;
    }

    /**
     * Runs the worker inside a {@link TestNetwork} host namespace ({@code ip netns exec}); its management
     * port is then reached at the host's IPv4 address instead of 127.0.0.1. Before {@link #start}.
     */
    public WorkerProcess inNamespace(TestNetwork.Host host) {
        this.namespace = host;
        return this;
    }

    /**
     * Starts the worker through the README's launcher script with its own JVM flags (this JVM's
     * {@code java}), instead of {@code java} with the small test flags. Before {@link #start}.
     */
    public WorkerProcess viaLauncher() {
        this.viaLauncher = true;
        return this;
    }

    public WorkerProcess start() throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: integration tests run after `package`");
        }
        int run = RUNS.merge(name, 1, Integer::sum);
        log = Path.of("target", "it-logs", name + "-run" + run + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(namespace == null ? List.of() : namespace.command());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (viaLauncher) {
            command.add(LAUNCHER.toAbsolutePath().toString());
        } else {
            command.add(java);
            command.add("-Xmx256m");
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1"); // start fast: these processes live for seconds
        }
        command.addAll(jvmOptions);
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-Dtracker.warm-up.requests=2000"); // it runs, without costing seconds per start
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().putAll(environment);
        if (viaLauncher) {
            builder.environment().put("JAVA", java);
            builder.environment().remove("JAVA_OPTS");
        }
        process = builder.start();
        return this;
    }

    /** This run's log file (null before the first start). */
    public Path log() {
        return log;
    }

    /**
     * Waits (bounded) until {@code /q/health/ready} answers 200, and checks that this process answered
     * (not another one on the same port); returns the milliseconds it took.
     */
    public long awaitReady(long timeoutMillis) throws Exception {
        long start = System.currentTimeMillis();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (isReady()) {
                    long took = System.currentTimeMillis() - start;
                    metrics(); // checks the start time of the process that answers
                    return took;
                }
            } catch (SocketException notYet) {
                // management port not open yet, or open but reset while the worker starts
            }
            if (System.currentTimeMillis() - start > timeoutMillis) {
                throw new IllegalStateException(name + " not ready within " + timeoutMillis + " ms; see " + log);
            }
            Thread.sleep(50);
        }
    }

    public boolean isReady() throws IOException {
        return RawHttp.get(managementHost(), managementPort, "/q/health/ready").status() == 200;
    }

    /**
     * The Prometheus text of {@code /q/metrics}: retried (bounded) until it answers 200, and checked to
     * come from this process (its start time), not from one that held the port before it.
     */
    public String metrics() throws IOException {
        long deadline = System.currentTimeMillis() + METRICS_RETRY_MILLIS;
        String last;
        while (true) {
            try {
                RawHttp.Response r = RawHttp.get(managementHost(), managementPort, "/q/metrics");
                if (r.status() == 200) {
                    String text = r.text();
                    checkStartTime(text);
                    return text;
                }
                String body = r.text();
                last = "status " + r.status() + ": " + body.substring(0, Math.min(200, body.length()));
            } catch (ConnectException e) {
                last = e.toString();
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException(name + " /q/metrics did not answer 200 within " + METRICS_RETRY_MILLIS
                        + " ms; last: " + last + "; see " + log);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for " + name + " /q/metrics");
            }
        }
    }

    private String managementHost() {
        return namespace == null ? "127.0.0.1" : namespace.ipv4();
    }

    private void checkStartTime(String metrics) {
        Matcher m = START_TIME.matcher(metrics);
        Instant ours = process.info().startInstant().orElse(null);
        if (!m.find() || ours == null) {
            return; // nothing to compare with
        }
        Instant theirs = Instant.ofEpochMilli((long) (Double.parseDouble(m.group(1)) * 1000));
        // Only a process started before this run can hold the port. The JVM of this run may report a
        // start seconds after the launch: `ip netns exec` mounts before it execs java, slowly under load.
        if (Duration.between(theirs, ours).toSeconds() > 5) {
            throw new IllegalStateException(name + ": /q/metrics answered by a process started at " + theirs
                    + ", before this run (pid " + process.pid() + ", started " + ours + "); see " + log);
        }
    }

    /** Waits (bounded) for the process to end by itself: its exit code, or empty while it still runs. */
    public OptionalInt awaitExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    /** SIGTERM, as the kubelet sends it, without waiting: the worker drains (if set) and exits by itself. */
    public void terminate() {
        process.destroy();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGSTOP: the process freezes (its sockets keep receiving until their buffers are full). */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: no shutdown hooks, no goodbye to siblings. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") still alive 10 s after SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** Waits for every worker to report ready, each within {@code timeoutMillis}. */
    public static void awaitAllReady(long timeoutMillis, WorkerProcess... workers) throws Exception {
        for (WorkerProcess w : workers) {
            w.awaitReady(timeoutMillis);
        }
    }

    /**
     * The properties of worker {@code i} of a cluster on loopback: HTTP and UDP (one socket) on
     * {@code clientPorts[i]}, sync on {@code syncPorts[i]}, every sync port as its siblings (a worker skips its
     * own), the cluster key in {@code clusterKey}. A mutable map, for the test's own properties on top.
     */
    public static Map<String, String> loopbackClusterMember(int[] clientPorts, int[] syncPorts, int i, Path clusterKey) {
        List<String> siblings = new ArrayList<>();
        for (int port : syncPorts) {
            siblings.add("127.0.0.1:" + port);
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("tracker.http.port", Integer.toString(clientPorts[i]));
        p.put("tracker.udp.port", Integer.toString(clientPorts[i]));
        p.put("tracker.udp.sockets", "1");
        p.put("tracker.cluster.port", Integer.toString(syncPorts[i]));
        p.put("tracker.cluster.peers", String.join(",", siblings));
        p.put("tracker.cluster.key-file", clusterKey.toString());
        return p;
    }

    /** Stops every worker that was started (a null: its start never came, e.g. an earlier one failed). */
    public static void closeAll(WorkerProcess... workers) throws InterruptedException {
        for (WorkerProcess w : workers) {
            if (w != null) {
                w.close();
            }
        }
    }

}
