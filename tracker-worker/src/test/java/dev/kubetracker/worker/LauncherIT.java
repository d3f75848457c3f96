package dev.kubetracker.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.FreePorts;
import dev.kubetracker.worker.testing.UdpClient;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's first command: {@code tracker-worker/kubetracker} starts the packaged worker, which
 * serves announces, and the JVM runs the collector the launcher asks for (its heap pools say which).
 */
class LauncherIT {
    private static final byte[] HASH = "launcher-it-info-has".getBytes(StandardCharsets.US_ASCII);

    @Test
    void launcherStartsAWorkerThatServesWithTheLaunchersCollector() throws Exception {
        String launcher = Files.readString(Path.of("kubetracker"));
        String oldGeneration = launcher.contains("-XX:+UseG1GC") ? "G1 Old Gen"
                : launcher.contains("-XX:+UseShenandoahGC") ? "Shenandoah" : "Tenured Gen";
        int client = FreePorts.tcpAndUdp();
        try (WorkerProcess worker = new WorkerProcess("launcher", FreePorts.tcp(), Map.of(
                "tracker.host", "127.0.0.1",
                "tracker.http.port", Integer.toString(client),
                "tracker.udp.port", Integer.toString(client))).viaLauncher();
                UdpClient udp = new UdpClient("127.0.0.1", client)) {
            worker.start().awaitReady(60_000);

            assertEquals(1, udp.announce(udp.connect(), HASH, 2, 0, -1, 6881).getInt(0), "an announce reply");
            assertTrue(worker.metrics().contains("id=\"" + oldGeneration + "\""),
                    "the heap has the pools of the launcher's collector: " + oldGeneration);
        }
    }
}
