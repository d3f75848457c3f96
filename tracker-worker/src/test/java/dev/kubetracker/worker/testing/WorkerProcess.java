package dev.kubetracker.worker.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged worker ({@code target/quarkus-app/quarkus-run.jar}) as a separate JVM process, for
 * tests that need real processes (clusters, kill and restart). Output goes to a log file under
 * {@code target/}.
 */
public final class WorkerProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final String name;
    private final Map<String, String> properties;
    private final int managementPort;
    private final Path log;
    private Process process;

    public WorkerProcess(String name, int managementPort, Map<String, String> properties) {
        this.name = name;
        this.managementPort = managementPort;
        this.properties = properties;
        this.log = Path.of("target", "it-logs", name + ".log").toAbsolutePath();
    }

    public WorkerProcess start() throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: integration tests run after `package`");
        }
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1"); // start fast: these processes live for seconds
        command.add("-Dquarkus.management.port=" + managementPort);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    /** Waits (bounded) until {@code /q/health/ready} answers 200; returns the milliseconds it took. */
    public long awaitReady(long timeoutMillis) throws Exception {
        long start = System.currentTimeMillis();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (isReady()) {
                    return System.currentTimeMillis() - start;
                }
            } catch (ConnectException notYet) {
                // management port not open yet
            }
            if (System.currentTimeMillis() - start > timeoutMillis) {
                throw new IllegalStateException(name + " not ready within " + timeoutMillis + " ms; see " + log);
            }
            Thread.sleep(50);
        }
    }

    public boolean isReady() throws IOException {
        return RawHttp.get("127.0.0.1", managementPort, "/q/health/ready").status() == 200;
    }

    public String metrics() throws IOException {
        return RawHttp.get("127.0.0.1", managementPort, "/q/metrics").text();
    }

    /** SIGKILL: no shutdown hooks, no goodbye to siblings. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
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
}
