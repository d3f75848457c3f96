package dev.kubetracker.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Await;
import dev.kubetracker.worker.testing.FreePorts;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.UdpClient;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * {@code tracker.shutdown.drain}: on SIGTERM the packaged worker first reports not ready, keeps
 * answering HTTP and UDP announces while the load balancer stops sending, then closes its client ports
 * and exits by itself. A real process on free loopback ports.
 */
class ShutdownDrainIT {
    private static final byte[] HASH = "shutdown-drain-it-ha".getBytes(StandardCharsets.US_ASCII);
    /** Long enough that the checks during the drain run inside it even on a loaded machine. */
    private static final String DRAIN = "10S";

    @Test
    void sigtermReportsNotReadyKeepsServingThroughTheDrainThenClosesAndExits() throws Exception {
        int client = FreePorts.tcpAndUdp();
        try (WorkerProcess worker = new WorkerProcess("shutdown-drain", FreePorts.tcp(), Map.of(
                "tracker.http.port", Integer.toString(client),
                "tracker.udp.port", Integer.toString(client),
                "tracker.shutdown.drain", DRAIN));
                UdpClient udp = new UdpClient("127.0.0.1", client)) {
            worker.start().awaitReady(60_000);
            long connectionId = udp.connect();

            worker.terminate();
            Await.until("readiness DOWN after SIGTERM", Duration.ofSeconds(10), () -> !worker.isReady());

            assertTrue(worker.isAlive(), "the worker must still run during the drain");
            assertEquals(200, RawHttp.get("127.0.0.1", client, "/announce?info_hash=" + RawHttp.percentEncode(HASH)
                    + "&peer_id=-DR0001-drainingpeer&port=6881&left=0").status(), "HTTP during the drain");
            assertEquals(1, udp.announce(connectionId, HASH, 2, 0, -1, 6882).getInt(0), "UDP during the drain");
            assertTrue(worker.isAlive(), "the answers above came from the draining worker");

            OptionalInt exit = worker.awaitExit(60_000);
            assertTrue(exit.isPresent(), "the worker exits by itself after the drain");
            try (Socket socket = new Socket()) {
                assertThrows(ConnectException.class,
                        () -> socket.connect(new InetSocketAddress("127.0.0.1", client), 5_000));
            }
        }
    }
}
