package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The snapshot server agent driven by hand (doWork, a settable clock), with real loopback clients. */
class SnapshotServerTest {
    private static final ClusterKey KEY = new ClusterKey("a cluster secret of enough bytes".getBytes(StandardCharsets.UTF_8));
    private static final long STALL_MILLIS = 10_000;

    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    private final SyncStats stats = new SyncStats();
    private final SwarmStore store = new SwarmStore(16, 45, () -> (int) (clock.get() / 60_000));
    private volatile boolean ready = true;
    private ServerSocketChannel channel;
    private SnapshotServer server;

    private void startServer() throws IOException {
        channel = ServerSocketChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
        server = new SnapshotServer(channel, store, KEY, () -> ready, stats, clock::get, STALL_MILLIS);
    }

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.onClose();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connecting: a small window, so a client that stops reading blocks the server soon
        s.connect(channel.getLocalAddress(), 2_000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void sendRequest(Socket s, long sentAt) throws IOException {
        byte[] request = new byte[SnapshotProtocol.REQUEST_BYTES];
        SnapshotProtocol.writeRequest(request, new byte[SnapshotProtocol.NONCE_BYTES], sentAt, KEY.signer());
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
    }

    /** Calls doWork until the condition holds (bounded in calls and time). */
    private void driveUntil(BooleanSupplier condition, String what) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (int calls = 0; calls < 1_000_000 && System.nanoTime() < deadline; calls++) {
            if (condition.getAsBoolean()) {
                return;
            }
            server.doWork();
        }
        throw new AssertionError(what + ": not reached");
    }

    private void fillStore(int torrents) {
        Announce a = new Announce();
        AnnounceReply reply = new AnnounceReply(1);
        for (int t = 1; t <= torrents; t++) {
            a.clear();
            a.infoHash.set(t * 0x9E3779B97F4A7C15L, t, t);
            a.family = 4;
            a.address4 = 0x0A000000 | t;
            a.port = 6881;
            a.left = 1;
            a.numwant = 0;
            store.announce(a, reply);
        }
    }

    @Test
    void aCorrectlySignedRequestOlderThanTheMaximumAgeIsRefused() throws Exception {
        ready = false; // an accepted request is then answered with one status byte
        startServer();
        long maxAge = SnapshotProtocol.MAX_REQUEST_AGE_MILLIS;
        try (Socket old = connect()) {
            driveUntil(() -> server.activeTransfers() == 1, "accepted");
            sendRequest(old, clock.get() - maxAge - 1);
            driveUntil(() -> server.activeTransfers() == 0, "request handled");
            assertEquals(-1, old.getInputStream().read(), "closed without an answer");
        }
        assertEquals(1, stats.snapshotRequestsRefused());

        try (Socket fresh = connect()) {
            driveUntil(() -> server.activeTransfers() == 1, "accepted");
            sendRequest(fresh, clock.get() - maxAge + 1_000);
            driveUntil(() -> server.activeTransfers() == 0, "request handled");
            assertEquals(SnapshotProtocol.STATUS_NOT_READY, fresh.getInputStream().read(), "answered");
        }
        assertEquals(1, stats.snapshotRequestsRefused());
    }

    @Test
    void clientsThatStopReadingOrNeverAskHoldTheirSlotsOnlyUntilTheStallTime() throws Exception {
        // About 6 MB of records: more than the socket buffers can ever hold. The client's window is 4 KiB, but the
        // server's send buffer grows by itself up to tcp_wmem's maximum (4 MiB by default): with 3 MB the whole
        // snapshot sometimes fitted while the test waited, and the transfer ended before its stall.
        fillStore(200_000);
        startServer();
        try (Socket stopsReading = connect(); Socket silent = connect()) {
            driveUntil(() -> server.activeTransfers() == 2, "both accepted");
            sendRequest(stopsReading, clock.get());
            InputStream in = stopsReading.getInputStream();
            driveUntil(unchecked(() -> in.available() > 0), "the first bytes");
            assertEquals(SnapshotProtocol.STATUS_OK, in.read());
            driveUntil(unchecked(() -> server.doWork() == 0), "the server blocked on a full socket");
            assertEquals(0, stats.snapshotsServed(), "the whole snapshot must not fit in the socket buffers");

            try (Socket third = connect()) {
                third.setSoTimeout(1);
                driveUntil(unchecked(() -> closedByServer(third)), "a third client turned away");
            }

            clock.addAndGet(STALL_MILLIS);
            server.doWork();
            assertEquals(2, server.activeTransfers(), "not before the stall time");
            clock.addAndGet(1);
            server.doWork();
            assertEquals(0, server.activeTransfers(), "both slots free again");
            assertEquals(2, stats.snapshotsStalled());
        }
        ready = false;
        try (Socket next = connect()) {
            driveUntil(() -> server.activeTransfers() == 1, "accepted");
            sendRequest(next, clock.get());
            driveUntil(() -> server.activeTransfers() == 0, "answered");
            assertEquals(SnapshotProtocol.STATUS_NOT_READY, next.getInputStream().read());
        }
    }

    /** True once the server closed the connection (EOF); false while nothing arrived yet. */
    private static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException notYet) {
            return false;
        }
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
    void servesAWholeSnapshotThatAClientLoads() throws Exception {
        fillStore(5_000);
        startServer();
        SwarmStore loaded = new SwarmStore(16, 45, () -> (int) (clock.get() / 60_000));
        // The client's clock is the real one: requests are signed with System.currentTimeMillis().
        clock.set(System.currentTimeMillis());
        SnapshotClient.Result result = fetchWhileServing(loaded);
        assertEquals(SnapshotClient.Outcome.LOADED, result.outcome(), result.detail());
        assertEquals(5_000, result.records());
        assertEquals(store.leechers(), loaded.leechers());
        assertEquals(1, stats.snapshotsServed());
        driveUntil(() -> server.activeTransfers() == 0, "the transfer closed");
    }

    @Test
    void aLoadedSnapshotHoldsTheWholeStateAddressesPortsRolesFlagsAgesAndDownloadCounts() throws Exception {
        // Requests are signed with the real clock: the stores' clock runs a few minutes behind it, then catches up.
        clock.set(System.currentTimeMillis() - 10 * 60_000);
        Announce a = new Announce();
        AnnounceReply reply = new AnnounceReply(1);
        for (int t = 1; t <= 300; t++) {
            for (int p = 0; p < t % 7; p++) {
                a.clear();
                a.infoHash.set(t * 0x9E3779B97F4A7C15L, -t, t);
                a.family = p % 3 == 0 ? 6 : 4;
                a.address4 = 0x0A000000 | (t << 8) | p;
                a.address6High = 0x2001_0db8_0000_0000L | t;
                a.address6Low = p;
                a.port = 1024 + p;
                a.left = p % 2; // seeders and leechers
                a.event = p == 2 ? Announce.Event.COMPLETED : Announce.Event.STARTED;
                store.announce(a, reply);
            }
            if (t % 50 == 0) {
                clock.addAndGet(60_000); // peers of different ages
            }
        }
        a.clear(); // a peerless torrent that keeps its download count
        a.infoHash.set(42, 42, 42);
        a.address4 = 0x0A0000FF;
        a.port = 999;
        a.left = 1;
        a.event = Announce.Event.COMPLETED;
        store.announce(a, reply);
        a.event = Announce.Event.STOPPED;
        store.announce(a, reply);
        startServer();
        SwarmStore loaded = new SwarmStore(16, 45, () -> (int) (clock.get() / 60_000));
        clock.set(System.currentTimeMillis());
        SnapshotClient.Result result = fetchWhileServing(loaded);
        assertEquals(SnapshotClient.Outcome.LOADED, result.outcome(), result.detail());

        assertEquals(state(store), state(loaded));
        assertEquals(torrents(store), torrents(loaded));
    }

    /** Every peer as text, sorted; sync-learned is the one flag a loaded peer adds. */
    private static java.util.List<String> state(SwarmStore s) {
        java.util.List<String> peers = new java.util.ArrayList<>();
        for (int shard = 0; shard < s.shardCount(); shard++) {
            s.forEachPeer(shard, (h, m, l, family, address4, high, low, port, flags, age) -> peers.add(
                    h + "/" + m + "/" + l + " v" + family + " " + (family == 6 ? high + ":" + low : address4) + ":" + port
                            + " flags " + (flags & ~dev.kubetracker.worker.swarm.PeerRecord.FROM_SYNC) + " age " + age));
        }
        java.util.Collections.sort(peers);
        return peers;
    }

    private static java.util.List<String> torrents(SwarmStore s) {
        java.util.List<String> rows = new java.util.ArrayList<>();
        for (int shard = 0; shard < s.shardCount(); shard++) {
            s.forEachTorrent(shard, (h, m, l, seeders, leechers, downloaded) ->
                    rows.add(h + "/" + m + "/" + l + " " + seeders + " " + leechers + " " + downloaded));
        }
        java.util.Collections.sort(rows);
        return rows;
    }

    /** Runs a real client on its own thread into {@code loaded} while this thread drives the server. */
    private SnapshotClient.Result fetchWhileServing(SwarmStore loaded) throws IOException, InterruptedException {
        SnapshotClient.Result[] result = new SnapshotClient.Result[1];
        Thread client = new Thread(() -> result[0] = SnapshotClient.fetch(
                (InetSocketAddress) uncheckedAddress(), KEY, loaded, 10_000, 1L << 30));
        client.start();
        driveUntil(() -> !client.isAlive(), "the client done");
        client.join();
        return result[0];
    }

    private Object uncheckedAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
