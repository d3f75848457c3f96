package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.UdpClient;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three worker processes on loopback, each with its own client, sync and management ports, configured
 * with a static sibling list and one shared key: they must behave as one tracker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final int[] PORTS = LoopbackPorts.freeBlock(9);
    private static final int[] CLIENT = {PORTS[0], PORTS[1], PORTS[2]};
    private static final int[] SYNC = {PORTS[3], PORTS[4], PORTS[5]};
    private static final int[] MANAGEMENT = {PORTS[6], PORTS[7], PORTS[8]};
    private static final byte[] CLUSTER_SECRET = "cluster integration test secret".getBytes(StandardCharsets.UTF_8);

    private final WorkerProcess[] workers = new WorkerProcess[3];
    private Path keyFile;
    private Path connectionIdKey;

    private WorkerProcess newWorker(int i) {
        Map<String, String> p = WorkerProcess.loopbackClusterMember(CLIENT, SYNC, i, keyFile);
        p.put("tracker.udp.connection-id.key-file", connectionIdKey.toString());
        return new WorkerProcess("cluster-worker-" + (i + 1), MANAGEMENT[i], p);
    }

    @BeforeAll
    void startThreeWorkers() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "it-cluster").toAbsolutePath());
        keyFile = Files.write(dir.resolve("cluster.key"), CLUSTER_SECRET);
        connectionIdKey = Files.writeString(dir.resolve("connection-id.key"), "shared connection id key");
        for (int i = 0; i < 3; i++) {
            workers[i] = newWorker(i).start();
        }
        WorkerProcess.awaitAllReady(60_000, workers);
    }

    @AfterAll
    void stopWorkers() throws InterruptedException {
        WorkerProcess.closeAll(workers);
    }

    private static byte[] hash(int seed) {
        byte[] h = new byte[20];
        new Random(seed).nextBytes(h);
        return h;
    }

    private static RawHttp.Response announce(int worker, byte[] hash, int port, long left, String event)
            throws IOException {
        return RawHttp.get("127.0.0.1", CLIENT[worker], "/announce?info_hash=" + RawHttp.percentEncode(hash)
                + "&peer_id=-KT0001-abcdefghijkl&port=" + port + "&left=" + left + "&numwant=200"
                + (event == null ? "" : "&event=" + event));
    }

    /** The compact IPv4 peers a worker hands to a new client (which then stops again, leaving no trace). */
    private static byte[] peersFrom(int worker, byte[] hash) throws IOException {
        Map<String, Object> reply = Bencode.dict(announce(worker, hash, 65001, 1, null).body());
        assertFalse(reply.containsKey("failure reason"));
        announce(worker, hash, 65001, 1, "stopped");
        return (byte[]) reply.get("peers");
    }

    private static long[] scrape(int worker, byte[] hash) throws IOException {
        Map<String, Object> reply = Bencode.dict(RawHttp.get("127.0.0.1", CLIENT[worker],
                "/scrape?info_hash=" + RawHttp.percentEncode(hash)).body());
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) ((Map<String, Object>) reply.get("files"))
                .get(Bencode.key(hash));
        return new long[] {(Long) counts.get("complete"), (Long) counts.get("incomplete"),
                (Long) counts.get("downloaded")};
    }

    /** Every torrent's seeders, leechers and downloads, in hash order: the worker's whole visible state. */
    private static String dump(int worker) throws IOException {
        return RawHttp.get("127.0.0.1", CLIENT[worker], "/stats?mode=tpbs&format=txtp").text();
    }

    private static long awaitTrue(BooleanSupplier condition, long timeoutMillis, String what) throws Exception {
        long start = System.currentTimeMillis();
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() - start < timeoutMillis, what + " not within " + timeoutMillis + " ms");
            Thread.sleep(20);
        }
        return System.currentTimeMillis() - start;
    }

    private static BooleanSupplier unchecked(IoCondition c) {
        return () -> {
            try {
                return c.get();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @FunctionalInterface
    private interface IoCondition {
        boolean get() throws IOException;
    }

    @Test
    @Order(1)
    void aPeerAnnouncedToOneWorkerIsHandedOutByTheOthersAndStoppedEverywhere() throws Exception {
        byte[] h = hash(1);
        assertEquals(200, announce(0, h, 7001, 0, "started").status());
        long[] latency = new long[2];
        for (int w = 1; w <= 2; w++) {
            int worker = w;
            latency[w - 1] = awaitTrue(unchecked(() -> scrape(worker, h)[0] == 1), 5_000, "sync to worker " + (w + 1));
            byte[] peers = peersFrom(worker, h);
            assertEquals("7f0000011b59", java.util.HexFormat.of().formatHex(peers), "127.0.0.1:7001");
        }
        System.out.printf("sync latency to workers 2 and 3: %d ms, %d ms%n", latency[0], latency[1]);

        assertEquals(200, announce(0, h, 7001, 0, "stopped").status());
        for (int w = 1; w <= 2; w++) {
            int worker = w;
            awaitTrue(unchecked(() -> scrape(worker, h)[0] == 0), 5_000, "stopped reaching worker " + (w + 1));
        }
    }

    @Test
    @Order(2)
    void completedCountsOnceInEveryWorker() throws Exception {
        byte[] h = hash(2);
        announce(0, h, 7002, 100, "started");
        announce(0, h, 7002, 0, "completed");
        announce(1, h, 7003, 0, "completed");
        for (int w = 0; w < 3; w++) {
            int worker = w;
            awaitTrue(unchecked(() -> scrape(worker, h)[2] == 2 && scrape(worker, h)[0] == 2), 5_000,
                    "downloads converging on worker " + (w + 1));
        }
        announce(2, h, 7002, 0, "completed"); // the same peer again, through another worker
        // A later change through the same worker: once it arrived everywhere, so had the completed event
        // (one sender's datagrams leave in order).
        byte[] marker = hash(3_000);
        announce(2, marker, 7005, 1, "started");
        for (int w = 0; w < 2; w++) {
            int worker = w;
            awaitTrue(unchecked(() -> scrape(worker, marker)[1] == 1), 5_000, "the marker reaching worker " + (w + 1));
        }
        for (int w = 0; w < 3; w++) {
            assertEquals(2, scrape(w, h)[2], "a peer's download counts once, wherever it announces");
        }
        announce(2, marker, 7005, 1, "stopped");
    }

    @Test
    @Order(3)
    void aUdpConnectionIdFromOneWorkerIsAcceptedByAnother() throws Exception {
        long connectionId;
        try (UdpClient toFirst = new UdpClient("127.0.0.1", CLIENT[0])) {
            connectionId = toFirst.connect();
        }
        try (DatagramSocket socket = new DatagramSocket(0)) {
            socket.setSoTimeout(3000);
            byte[] request = Arrays.copyOf(UdpClient.announceRequest(connectionId, 77, hash(3), 2, 0, -1, 7004).array(), 98);
            socket.send(new DatagramPacket(request, request.length, new InetSocketAddress("127.0.0.1", CLIENT[1])));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            socket.receive(reply);
            ByteBuffer b = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
            assertEquals(1, b.getInt(0), "an announce reply, not an error");
            assertEquals(77, b.getInt(4));
        }
    }

    @Test
    @Order(4)
    void forgedReplayedStaleAndTruncatedSyncDatagramsAreRejectedAndCounted() throws Exception {
        byte[] h = hash(4);
        ClusterKey key = new ClusterKey(CLUSTER_SECRET);
        ClusterKey wrong = new ClusterKey("not the cluster secret, clearly".getBytes(StandardCharsets.UTF_8));
        long sender = new Random().nextLong();
        long now = System.currentTimeMillis();
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", SYNC[0]);
        try (DatagramSocket socket = new DatagramSocket(0)) {
            ByteBuffer authentic = datagram(key, sender, now, 1, h, 0x0A000001);
            send(socket, target, authentic);
            awaitTrue(unchecked(() -> scrape(0, h)[0] == 1), 5_000, "the authentic datagram applied");

            send(socket, target, authentic); // replayed
            send(socket, target, datagram(wrong, sender, now, 2, h, 0x0A000002)); // forged
            send(socket, target, datagram(key, sender, now - 120_000, 3, h, 0x0A000003)); // stale
            ByteBuffer cut = datagram(key, sender, now, 4, h, 0x0A000004);
            send(socket, target, cut.duplicate().limit(cut.limit() - 7)); // truncated: MAC no longer matches
            send(socket, target, cut.duplicate().limit(20)); // shorter than any datagram
        }
        awaitTrue(unchecked(() -> {
            String m = workers[0].metrics();
            return m.contains("tracker_cluster_dropped_total{reason=\"replayed\"} 1.0")
                    && m.contains("tracker_cluster_dropped_total{reason=\"bad_mac\"} 2.0")
                    && m.contains("tracker_cluster_dropped_total{reason=\"stale\"} 1.0")
                    && m.contains("tracker_cluster_dropped_total{reason=\"truncated\"} 1.0");
        }), 5_000, "drops counted by reason");
        assertEquals(1, scrape(0, h)[0], "no state change from rejected datagrams");

        // Sync-learned peers are never passed on, so only worker 1 has this one: remove it again.
        try (DatagramSocket socket = new DatagramSocket(0)) {
            send(socket, target, datagram(key, sender, System.currentTimeMillis(), 5, h, 0x0A000001, Announce.Event.STOPPED));
        }
        awaitTrue(unchecked(() -> scrape(0, h)[0] == 0), 5_000, "the authentic stop applied");
    }

    private static ByteBuffer datagram(ClusterKey key, long sender, long sentAt, long sequence, byte[] hash, int address) {
        return datagram(key, sender, sentAt, sequence, hash, address, Announce.Event.STARTED);
    }

    private static ByteBuffer datagram(ClusterKey key, long sender, long sentAt, long sequence, byte[] hash, int address,
                                       Announce.Event event) {
        Announce a = new Announce();
        a.clear();
        ByteBuffer hb = ByteBuffer.wrap(hash);
        a.infoHash.set(hb.getLong(), hb.getLong(), hb.getInt());
        a.address4 = address;
        a.port = 6881;
        a.left = 0;
        a.event = event;
        ByteBuffer records = ByteBuffer.allocate(SyncDatagram.MAX_RECORD_BYTES);
        SyncRecords.putChange(records, a);
        ByteBuffer out = ByteBuffer.allocate(SyncDatagram.MAX_BYTES);
        SyncDatagram.encode(out, sender, sentAt, sequence, records, 1, key.signer());
        return out;
    }

    private static void send(DatagramSocket socket, InetSocketAddress target, ByteBuffer datagram) throws IOException {
        byte[] bytes = Arrays.copyOfRange(datagram.array(), datagram.position(), datagram.limit());
        socket.send(new DatagramPacket(bytes, bytes.length, target));
    }

    @Test
    @Order(5)
    void aKilledWorkerComesBackWithThePeersOfTheOthersBeforeItIsReady() throws Exception {
        for (int t = 0; t < 20; t++) {
            for (int p = 0; p < 10; p++) {
                announce(p % 3, hash(100 + t), 10000 + t * 100 + p, p % 2, "started");
            }
        }
        awaitTrue(unchecked(() -> dump(0).equals(dump(1)) && dump(1).equals(dump(2))), 5_000, "sync settled");
        String before = dump(0);

        workers[1].kill();
        workers[1] = newWorker(1).start();
        long readyAfter = workers[1].awaitReady(60_000);
        String atReady = dump(1); // the first thing a client could see
        assertEquals(before, atReady, "the restarted worker had every peer when it said it was ready");
        System.out.printf("restarted worker ready after %d ms with %d torrents%n", readyAfter,
                atReady.lines().count());
        String metrics = workers[1].metrics();
        assertTrue(metrics.contains("tracker_cluster_snapshots_total{outcome=\"loaded\"} 1.0"),
                () -> "snapshot counters of the restarted worker at ready: " + metrics.lines()
                        .filter(l -> l.startsWith("tracker_cluster_snapshot")).toList() + "; see " + workers[1].log());
    }

    @Test
    @Order(6)
    void churnAcrossTheThreeWorkersEndsWithIdenticalState() throws Exception {
        Random random = new Random(6);
        int peers = 150;
        int[] home = new int[peers];
        boolean[] present = new boolean[peers];
        for (int i = 0; i < peers; i++) {
            home[i] = random.nextInt(3);
        }
        long deadline = System.currentTimeMillis() + 6_000;
        int operations = 0;
        for (int round = 0; round < 3 && System.currentTimeMillis() < deadline; round++) {
            for (int op = 0; op < 600 && System.currentTimeMillis() < deadline; op++, operations++) {
                int peer = random.nextInt(peers);
                byte[] h = hash(1000 + peer % 12);
                int port = 20000 + peer;
                String event = present[peer] && random.nextInt(3) == 0 ? "stopped"
                        : random.nextInt(8) == 0 ? "completed" : null;
                announce(home[peer], h, port, event != null && event.equals("completed") ? 0 : random.nextInt(2), event);
                present[peer] = !"stopped".equals(event);
            }
            // Between rounds, clients move to another worker (as when a load balancer re-hashes them);
            // the previous worker's changes arrive everywhere first, as they would within a real interval.
            awaitTrue(unchecked(() -> dump(0).equals(dump(1)) && dump(1).equals(dump(2))), 10_000,
                    "round " + round + " settled on all three workers");
            for (int i = 0; i < peers; i++) {
                if (random.nextInt(4) == 0) {
                    home[i] = (home[i] + 1) % 3;
                }
            }
        }
        System.out.printf("churn: %d operations%n", operations);
        try {
            awaitTrue(unchecked(() -> dump(0).equals(dump(1)) && dump(1).equals(dump(2))), 10_000,
                    "identical state on all three workers");
        } catch (AssertionError e) {
            System.out.println("worker 1:\n" + dump(0) + "\nworker 2:\n" + dump(1) + "\nworker 3:\n" + dump(2));
            throw e;
        }
        assertFalse(dump(0).isEmpty());
    }
}
