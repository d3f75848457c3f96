package dev.kubetracker.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kubetracker.worker.testing.Await;
import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.UdpClient;
import dev.kubetracker.worker.testing.FreePorts;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keys whose effect needs a worker of its own (the packaged jar as a process on free loopback ports):
 * {@code tracker.http.port} and {@code tracker.udp.port} set to 0 turn their protocol off, and
 * {@code tracker.cluster.key} as text, from a system property or the {@code TRACKER_CLUSTER_KEY}
 * variable, authenticates the sync between two workers.
 */
class ClientPortsAndClusterKeyIT {
    private static final String HASH = RawHttp.percentEncode("client-ports-it-hash".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    private final List<WorkerProcess> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws InterruptedException {
        for (WorkerProcess w : workers) {
            w.close();
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
        Await.until("the peer at the second worker", Duration.ofSeconds(10), () -> seeders(client[1]) == 1);
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
        Map<String, String> properties = new HashMap<>(Map.of("quarkus.management.host", "127.0.0.1",
                "tracker.host", "127.0.0.1", "tracker.udp.sockets", "1",
                "tracker.cluster.port", Integer.toString(FreePorts.tcpAndUdp())));
        properties.putAll(settings);
        WorkerProcess worker = new WorkerProcess(name, FreePorts.tcp(), properties).environment(environment);
        workers.add(worker);
        worker.start().awaitReady(30_000);
    }

}
