package dev.kubetracker.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.UdpClient;
import dev.kubetracker.worker.testing.FreePorts;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keys whose effect needs a worker of its own (the packaged jar as a process on free loopback ports):
 * {@code tracker.http.port} and {@code tracker.udp.port} set to 0 turn their protocol off, and
 * {@code tracker.cluster.key} as text, from a system property or the {@code TRACKER_CLUSTER_KEY}
 * variable, authenticates the sync between two workers.
 */
class ClientPortsAndClusterKeyIT {
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Path LOGS = Path.of("target", "it-logs").toAbsolutePath();
    private static final String HASH = RawHttp.percentEncode("client-ports-it-hash".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void httpPortZeroServesUdpOnly() throws Exception {
        int client = FreePorts.tcpAndUdp();
        startReady("http-port-zero", Map.of("tracker.http.port", "0", "tracker.udp.port", Integer.toString(client)),
                Map.of());
        try (UdpClient udp = new UdpClient("127.0.0.1", client)) {
            assertEquals(1, udp.announce(udp.connect(), "client-ports-it-hash".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 2, 0, -1, 6881).getInt(0));
        }
        try (Socket socket = new Socket()) {
            assertThrows(ConnectException.class, () -> socket.connect(new InetSocketAddress("127.0.0.1", client), 5_000));
        }
    }

    @Test
    void udpPortZeroServesHttpOnly() throws Exception {
        int client = FreePorts.tcpAndUdp();
        startReady("udp-port-zero", Map.of("tracker.http.port", Integer.toString(client), "tracker.udp.port", "0"),
                Map.of());
        assertEquals(200, announce(client, 6881).status());
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            socket.setSoTimeout(5_000);
            socket.connect(new InetSocketAddress("127.0.0.1", client));
            byte[] connect = ByteBuffer.allocate(16).putLong(UdpClient.PROTOCOL_ID).putInt(0).putInt(1).array();
            socket.send(new DatagramPacket(connect, connect.length));
            assertThrows(PortUnreachableException.class, () -> socket.receive(new DatagramPacket(new byte[64], 64)));
        }
    }

    @Test
    void aClusterKeyGivenAsTextAuthenticatesTheSync() throws Exception {
        String key = "a cluster key given as text, not a file";
        int[] client = {FreePorts.tcpAndUdp(), FreePorts.tcpAndUdp()};
        int[] sync = {FreePorts.tcpAndUdp(), FreePorts.tcpAndUdp()};
        String peers = "127.0.0.1:" + sync[0] + ",127.0.0.1:" + sync[1];
        startReady("cluster-key-property", Map.of("tracker.http.port", Integer.toString(client[0]),
                "tracker.udp.port", Integer.toString(client[0]), "tracker.cluster.port", Integer.toString(sync[0]),
                "tracker.cluster.peers", peers, "tracker.cluster.key", key), Map.of());
        startReady("cluster-key-variable", Map.of("tracker.http.port", Integer.toString(client[1]),
                "tracker.udp.port", Integer.toString(client[1]), "tracker.cluster.port", Integer.toString(sync[1]),
                "tracker.cluster.peers", peers), Map.of("TRACKER_CLUSTER_KEY", key));

        assertEquals(200, announce(client[0], 7001).status());
        long deadline = System.currentTimeMillis() + 10_000;
        while (seeders(client[1]) != 1) {
            assertTrue(System.currentTimeMillis() < deadline, "the peer did not reach the second worker in 10 s");
            Thread.sleep(50);
        }
    }

    private static RawHttp.Response announce(int port, int peerPort) throws IOException {
        return RawHttp.get("127.0.0.1", port, "/announce?info_hash=" + HASH + "&peer_id=-KT0001-abcdefghijkl&port="
                + peerPort + "&left=0");
    }

    private static long seeders(int port) throws IOException {
        Map<String, Object> reply = Bencode.dict(RawHttp.get("127.0.0.1", port, "/scrape?info_hash=" + HASH).body());
        @SuppressWarnings("unchecked")
        Map<String, Object> files = (Map<String, Object>) reply.get("files");
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) files.values().iterator().next();
        return (Long) counts.get("complete");
    }

    private void startReady(String name, Map<String, String> settings, Map<String, String> environment)
            throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: integration tests run after `package`");
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve(name + ".log");
        int management = FreePorts.tcpAndUdp();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + management,
                "-Dtracker.host=127.0.0.1", "-Dtracker.udp.sockets=1", "-Dtracker.cluster.port=" + FreePorts.tcpAndUdp()));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        processes.add(process);
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            assertTrue(process.isAlive(), () -> name + " exited; see " + log);
            try {
                if (RawHttp.get("127.0.0.1", management, "/q/health/ready").status() == 200) {
                    return;
                }
            } catch (ConnectException notYet) {
                // the management port is not open yet
            }
            assertFalse(System.currentTimeMillis() > deadline, () -> name + " not ready in 30 s; see " + log);
            Thread.sleep(100);
        }
    }

}
