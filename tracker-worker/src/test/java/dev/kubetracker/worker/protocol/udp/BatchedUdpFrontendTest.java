package dev.kubetracker.worker.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.testing.InfoHashes;
import dev.kubetracker.worker.testing.UdpClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BatchedUdpFrontend} on loopback, spoken to with real datagrams; a real handler and store behind. */
@Timeout(120) // a hang guard only
class BatchedUdpFrontendTest {
    private final int now = 5_000_000;
    private final RequestCounters counters = new RequestCounters();
    private final SwarmStore store = new SwarmStore(16, 45, () -> now);
    private final ConnectionIds ids = new ConnectionIds(ConnectionIds.randomKey(), 10, () -> now);
    private final TrackerLogic logic = new TrackerLogic(store, AccessList.off(), new AnnouncePolicy(1800, 900, 50, 200),
            ChangeLog.NONE, new RandomPeers(0, 0, 1024, 65535), counters);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private BatchedUdpFrontend bind(String host, int sockets) {
        BatchedUdpFrontend frontend = BatchedUdpFrontend.bind(LibC.load(), host, 0, sockets,
                () -> new UdpRequestHandler(logic, ids, counters));
        open.add(frontend);
        return frontend;
    }

    private <T extends AutoCloseable> T closing(T c) {
        open.add(c);
        return c;
    }

    @Test
    void ipv4ClientsConnectAnnounceAndScrape() throws IOException {
        int port = bind("127.0.0.1", 1).port();
        byte[] h = InfoHashes.random(1);
        UdpClient a = closing(new UdpClient("127.0.0.1", port));
        UdpClient b = closing(new UdpClient("127.0.0.1", port));
        ByteBuffer first = a.announce(a.connect(), h, 2, 0, -1, 6881);
        assertEquals(1, first.getInt(0));
        assertEquals(20, first.remaining(), "never yourself");
        ByteBuffer second = b.announce(b.connect(), h, 2, 100, -1, 6882);
        assertEquals(20 + 6, second.remaining());
        assertEquals(0x7F000001, second.getInt(20));
        assertEquals(6881, second.getShort(24) & 0xFFFF);
        ByteBuffer scrape = a.scrape(a.connect(), h);
        assertEquals(8 + 12, scrape.remaining());
        assertEquals(1, scrape.getInt(8), "seeders");
        assertEquals(1, scrape.getInt(16), "leechers");
    }

    @Test
    void ipv6ClientsConnectAnnounceAndScrape() throws IOException {
        int port = bind("::1", 1).port();
        byte[] h = InfoHashes.random(2);
        UdpClient a = closing(new UdpClient("::1", port));
        UdpClient b = closing(new UdpClient("::1", port));
        a.announce(a.connect(), h, 2, 0, -1, 6881);
        ByteBuffer second = b.announce(b.connect(), h, 2, 100, -1, 6882);
        assertEquals(20 + 18, second.remaining(), "the first peer, as an IPv6 peer");
        assertEquals(0, second.getLong(20));
        assertEquals(1, second.getLong(28), "::1");
        assertEquals(6881, second.getShort(36) & 0xFFFF);
        ByteBuffer scrape = a.scrape(a.connect(), h);
        assertEquals(1, scrape.getInt(8));
        assertEquals(1, scrape.getInt(16));
    }

    @Test
    void ipv4ClientsOfADualStackSocketAreIpv4Peers() throws IOException {
        int port = bind("::", 2).port();
        byte[] h = InfoHashes.random(3);
        UdpClient v4 = closing(new UdpClient("127.0.0.1", port));
        UdpClient other = closing(new UdpClient("127.0.0.1", port));
        UdpClient v6 = closing(new UdpClient("::1", port));
        v4.announce(v4.connect(), h, 2, 0, -1, 6881);
        v6.announce(v6.connect(), h, 2, 0, -1, 6883);
        ByteBuffer reply = other.announce(other.connect(), h, 2, 100, -1, 6882);
        assertEquals(20 + 6, reply.remaining(), "the v4-mapped sender is an IPv4 peer, and gets only the IPv4 peer");
        assertEquals(0x7F000001, reply.getInt(20));
        assertEquals(6881, reply.getShort(24) & 0xFFFF);
    }

    @Test
    void manyDatagramsFromManySourcesAreEachAnsweredToTheirSource() throws IOException {
        int port = bind("127.0.0.1", 1).port();
        InetSocketAddress tracker = new InetSocketAddress("127.0.0.1", port);
        int sources = 300;
        List<DatagramSocket> sockets = new ArrayList<>();
        for (int s = 0; s < sources; s++) {
            DatagramSocket socket = closing(new DatagramSocket(0, InetAddress.getByName("127.0.0." + (1 + s % 50))));
            socket.setSoTimeout(3000);
            sockets.add(socket);
        }
        for (int round = 0; round < 3; round++) {
            // all requests of a round leave before any reply is read: the loop takes them in batches
            for (int s = 0; s < sources; s++) {
                byte[] request = connect(round * sources + s).array();
                sockets.get(s).send(new DatagramPacket(request, request.length, tracker));
            }
            for (int s = 0; s < sources; s++) {
                ByteBuffer reply = receive(sockets.get(s));
                assertEquals(16, reply.remaining());
                assertEquals(round * sources + s, reply.getInt(4), "the reply to this source's own request");
            }
        }
        for (DatagramSocket socket : sockets) {
            socket.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, () -> receive(socket), "one reply per request");
        }
        assertEquals(3 * sources, counters.udpPackets());
    }

    @Test
    void anOversizeDatagramIsTruncatedToItsSlot() throws IOException {
        int port = bind("127.0.0.1", 1).port();
        UdpClient client = closing(new UdpClient("127.0.0.1", port));
        long id = client.connect();
        byte[][] hashes = new byte[300][]; // 6016 bytes: past the 2048-byte slot
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = InfoHashes.random(1000 + i);
        }
        ByteBuffer scrape = client.scrape(id, hashes);
        assertEquals(8 + UdpRequestHandler.MAX_SCRAPE_HASHES * 12, scrape.remaining(),
                "the first 2048 bytes hold 101 hashes, of which 74 are answered");
        ByteBuffer announce = client.announce(client.connect(), InfoHashes.random(4), 2, 0, -1, 6881);
        assertEquals(1, announce.getInt(0), "the next datagrams are read whole");
        assertEquals(20, announce.remaining());
    }

    @Test
    void closeWhileIdleStopsTheThreadAndFreesThePort() throws Exception {
        BatchedUdpFrontend frontend = BatchedUdpFrontend.bind(LibC.load(), "127.0.0.1", 0, 2,
                () -> new UdpRequestHandler(logic, ids, counters));
        int port = frontend.port();
        List<Thread> threads = new ArrayList<>();
        for (BatchedUdpSocket s : frontend.sockets()) {
            threads.add(s.thread());
        }
        frontend.close();
        for (Thread t : threads) {
            assertFalse(t.isAlive());
        }
        try (DatagramSocket again = new DatagramSocket(port, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, again.getLocalPort(), "both sockets closed: the port binds without SO_REUSEPORT");
        }
    }

    @Test
    void aTakenPortIsRefusedAtBind() throws IOException {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> BatchedUdpFrontend.bind(
                    LibC.load(), "127.0.0.1", taken.getLocalPort(), 1, () -> new UdpRequestHandler(logic, ids, counters)));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
    }

    @Test
    void aSocketBoundPastTheGuardSaysWhyItCannotBind() throws IOException {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> BatchedUdpSocket.open(LibC.load(),
                    InetAddress.getByName("127.0.0.1"), taken.getLocalPort(), new UdpRequestHandler(logic, ids, counters),
                    "test-udp"));
            assertTrue(e.getMessage().startsWith("UDP port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"),
                    e.getMessage());
        }
    }

    @Test
    void servingAllocatesNothingPerDatagram() throws IOException {
        BatchedUdpFrontend frontend = bind("127.0.0.1", 1);
        Thread loop = frontend.sockets().get(0).thread();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        DatagramSocket socket = closing(new DatagramSocket(0, InetAddress.getByName("127.0.0.1")));
        socket.connect(new InetSocketAddress("127.0.0.1", frontend.port()));
        socket.setSoTimeout(3000);
        byte[] request = connect(77).array();
        socket.send(new DatagramPacket(request, request.length));
        long id = receive(socket).getLong(8);
        byte[] h = InfoHashes.random(5);
        DatagramPacket[] requests = new DatagramPacket[64];
        for (int i = 0; i < requests.length; i++) {
            // connects, and re-announces of 32 peers of one torrent: the store stops growing after the first window
            byte[] r = i % 2 == 0 ? connect(i).array() : UdpClient.announceRequest(id, i, h, 0, 100, 50, 7000 + i).array();
            requests[i] = new DatagramPacket(r, r.length);
        }
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);

        exchange(socket, requests, reply, 20_000); // warm-up: the JIT compiles the loop and the handler
        long before = threads.getThreadAllocatedBytes(loop.getId());
        int answered = exchange(socket, requests, reply, 100_000);
        long allocated = threads.getThreadAllocatedBytes(loop.getId()) - before;

        assertTrue(answered >= 99_000, "replies: " + answered);
        assertTrue(allocated < 16 * 1024, "the loop allocated " + allocated + " bytes for 100,000 datagrams");
    }

    /** Sends {@code count} requests in windows of 64, reading each window's replies; returns the replies read. */
    private static int exchange(DatagramSocket socket, DatagramPacket[] window, DatagramPacket reply, int count)
            throws IOException {
        int answered = 0;
        for (int sent = 0; sent < count; sent += window.length) {
            for (DatagramPacket r : window) {
                socket.send(r);
            }
            try {
                for (int i = 0; i < window.length; i++) {
                    socket.receive(reply);
                    answered++;
                }
            } catch (SocketTimeoutException e) {
                // a lost datagram: the count says how many
            }
        }
        return answered;
    }

    private static ByteBuffer connect(int transaction) {
        return ByteBuffer.allocate(16).putLong(UdpRequest.PROTOCOL_ID).putInt(0).putInt(transaction);
    }

    private static ByteBuffer receive(DatagramSocket socket) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        socket.receive(p);
        return ByteBuffer.wrap(p.getData(), 0, p.getLength());
    }
}
