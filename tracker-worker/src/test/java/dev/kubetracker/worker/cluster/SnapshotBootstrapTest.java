package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kubetracker.worker.agent.AgentRunner;
import dev.kubetracker.worker.agent.BackoffIdleStrategy;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.ScrapeCounts;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A starting worker asks its siblings in turn: fake siblings on loopback that are not ready or whose
 * transfer fails, then a real snapshot server agent over another store.
 */
class SnapshotBootstrapTest {
    private static final ClusterKey KEY = new ClusterKey("a cluster secret of enough bytes".getBytes(StandardCharsets.UTF_8));
    private static final int MINUTE = 29_000_000;

    private final SwarmStore store = new SwarmStore(16, 45, () -> MINUTE);
    private final SyncStats stats = new SyncStats();
    private final SnapshotBootstrap bootstrap = new SnapshotBootstrap(KEY, store, stats, 10_000, 1L << 30);
    private final List<AutoCloseable> siblings = new ArrayList<>();

    @AfterEach
    void stopSiblings() throws Exception {
        for (AutoCloseable s : siblings) {
            s.close();
        }
    }

    /** How a fake sibling answers the one request it serves. */
    private enum Fake {
        NOT_READY, BAD_MAC_ON_END_FRAME, CUT_BEFORE_END_FRAME, BAD_MAC_ON_FIRST_FRAME
    }

    /** A sibling that serves one request in the given way; the frame it sends holds one peer at {@code address}. */
    private InetSocketAddress fake(Fake how, int address) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        siblings.add(server);
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                byte[] request = new byte[SnapshotProtocol.REQUEST_BYTES];
                new DataInputStream(s.getInputStream()).readFully(request);
                byte[] nonce = SnapshotProtocol.requestNonce(request);
                OutputStream out = s.getOutputStream();
                if (how == Fake.NOT_READY) {
                    out.write(SnapshotProtocol.STATUS_NOT_READY);
                    return;
                }
                out.write(SnapshotProtocol.STATUS_OK);
                ByteBuffer frame = ByteBuffer.allocate(256).position(SnapshotProtocol.FRAME_RECORDS_OFFSET);
                SyncRecords.putSnapshotPeer(frame, 7, 7, 7, 4, address, 0, 0, 6881, 0, 0);
                SnapshotProtocol.sealFrame(frame, nonce, 0, KEY.signer());
                if (how == Fake.BAD_MAC_ON_FIRST_FRAME) {
                    frame.put(frame.limit() - 1, (byte) (frame.get(frame.limit() - 1) ^ 1));
                }
                out.write(frame.array(), 0, frame.limit());
                if (how == Fake.CUT_BEFORE_END_FRAME) {
                    return;
                }
                ByteBuffer end = ByteBuffer.allocate(64).position(SnapshotProtocol.FRAME_RECORDS_OFFSET);
                SnapshotProtocol.sealFrame(end, nonce, how == Fake.BAD_MAC_ON_END_FRAME ? 0 : 1, KEY.signer());
                out.write(end.array(), 0, end.limit());
            } catch (IOException e) {
                // the client went away: nothing to serve
            }
        }, "fake-sibling-" + how);
        t.setDaemon(true);
        t.start();
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** A real snapshot server agent over a store holding one peer at {@code address} on hash (9, 9, 9). */
    private InetSocketAddress real(int address) throws IOException {
        SwarmStore theirs = new SwarmStore(16, 45, () -> MINUTE);
        theirs.announce(peer(9, address), new AnnounceReply(1));
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).configureBlocking(false);
        InetSocketAddress where = (InetSocketAddress) channel.getLocalAddress();
        AgentRunner runner = new AgentRunner(new SnapshotServer(channel, theirs, KEY, () -> true, new SyncStats()),
                BackoffIdleStrategy.standard()).start();
        siblings.add(runner);
        return where;
    }

    private static Announce peer(long hash, int address) {
        Announce a = new Announce();
        a.clear();
        a.infoHash.set(hash, hash, (int) hash);
        a.family = 4;
        a.address4 = address;
        a.port = 6881;
        a.left = 1;
        a.numwant = 0;
        return a;
    }

    private int leechers(long hash) {
        ScrapeCounts c = new ScrapeCounts();
        store.scrape(hash, hash, (int) hash, c);
        return c.leechers;
    }

    @Test
    void fallsBackPastANotReadySiblingAndOneWhoseEndFrameFailsToTheNextWhoseSnapshotMergesOnTop() throws Exception {
        InetSocketAddress notReady = fake(Fake.NOT_READY, 1);
        InetSocketAddress badEnd = fake(Fake.BAD_MAC_ON_END_FRAME, 2);
        InetSocketAddress ready = real(3);

        assertEquals(ready, bootstrap.loadFromFirstReady(List.of(notReady, badEnd, ready)));
        assertEquals(1, stats.snapshotsNotReady());
        assertEquals(1, stats.snapshotFailures());
        assertEquals(1, stats.snapshotsLoaded());
        assertEquals(1, leechers(7), "the verified frame of the failed transfer is kept");
        assertEquals(1, leechers(9), "the next sibling's snapshot on top");
    }

    @Test
    void aTransferCutBeforeItsEndFrameIsAFailureAndTheNextSiblingIsAsked() throws Exception {
        InetSocketAddress cut = fake(Fake.CUT_BEFORE_END_FRAME, 2);
        InetSocketAddress ready = real(3);

        assertEquals(ready, bootstrap.loadFromFirstReady(List.of(cut, ready)));
        assertEquals(1, stats.snapshotFailures());
        assertEquals(1, stats.snapshotsLoaded());
        assertEquals(1, leechers(7));
        assertEquals(1, leechers(9));
    }

    @Test
    void aFrameWithABadMacIsNotAppliedAndWithoutAReadySiblingNothingIsLoaded() throws Exception {
        InetSocketAddress forged = fake(Fake.BAD_MAC_ON_FIRST_FRAME, 2);
        InetSocketAddress notReady = fake(Fake.NOT_READY, 1);

        assertNull(bootstrap.loadFromFirstReady(List.of(forged, notReady)));
        assertEquals(1, stats.snapshotFailures());
        assertEquals(1, stats.snapshotsNotReady());
        assertEquals(0, stats.snapshotsLoaded());
        assertEquals(0, store.torrents());
    }
}
