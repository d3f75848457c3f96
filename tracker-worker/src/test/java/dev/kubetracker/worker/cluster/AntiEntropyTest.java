package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.agent.AgentRunner;
import dev.kubetracker.worker.agent.BackoffIdleStrategy;
import dev.kubetracker.worker.cluster.SyncStats.Round;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.MinuteClock;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.testing.StoreDumps;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Anti-entropy rounds between two stores, each served by a real snapshot server on loopback. */
class AntiEntropyTest {
    private static final ClusterKey KEY = new ClusterKey("a cluster secret of enough bytes".getBytes(StandardCharsets.UTF_8));

    private final SwarmStore a = new SwarmStore(64, 45, MinuteClock.SYSTEM);
    private final SwarmStore b = new SwarmStore(64, 45, MinuteClock.SYSTEM);
    private final SyncStats statsA = new SyncStats();
    private final SyncStats statsB = new SyncStats();
    private final List<AgentRunner> servers = new ArrayList<>();
    private final AnnounceReply reply = new AnnounceReply(1);

    @AfterEach
    void stopServers() {
        servers.forEach(AgentRunner::close);
    }

    private InetSocketAddress serve(SwarmStore store, SyncStats stats) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
        AgentRunner runner = new AgentRunner(new SnapshotServer(channel, store, KEY, () -> true, stats),
                BackoffIdleStrategy.standard());
        runner.start();
        servers.add(runner);
        return (InetSocketAddress) channel.getLocalAddress();
    }

    private void announce(SwarmStore store, int torrent, int address, Announce.Event event, long left) {
        Announce x = new Announce();
        x.clear();
        x.infoHash.set((long) torrent << 56, torrent, torrent);
        x.address4 = address;
        x.port = 6881;
        x.event = event;
        x.left = left;
        store.announce(x, reply);
    }

    @Test
    void roundsBothWaysRepairLostAnnouncesInBothDirections() throws IOException {
        for (int t = 0; t < 200; t++) {
            announce(a, t, 1, Announce.Event.STARTED, 100);
            announce(b, t, 1, Announce.Event.STARTED, 100);
        }
        for (int t = 0; t < 30; t++) {
            announce(a, t, 2, Announce.Event.STARTED, 0); // never reached b
            announce(b, 100 + t, 3, Announce.Event.COMPLETED, 0); // never reached a
        }
        announce(a, 150, 9, Announce.Event.STARTED, 100);
        announce(b, 150, 9, Announce.Event.STARTED, 100);
        announce(a, 150, 9, Announce.Event.STOPPED, 100); // lost on the way to b
        assertNotEquals(StoreDumps.dump(a), StoreDumps.dump(b));

        InetSocketAddress atA = serve(a, statsA);
        InetSocketAddress atB = serve(b, statsB);
        AntiEntropy fromA = new AntiEntropy(null, KEY, a, statsA, 0);
        AntiEntropy fromB = new AntiEntropy(null, KEY, b, statsB, 0);
        assertEquals(Round.REPAIRED, fromA.roundWith(atB));
        assertEquals(Round.REPAIRED, fromB.roundWith(atA));

        // The stopped peer was announced this minute too: a tie, which favours the peer (the documented price).
        // Everything else is identical.
        assertEquals(StoreDumps.dump(a), StoreDumps.dump(b));
        for (int shard = 0; shard < a.shardCount(); shard++) {
            assertEquals(a.digest(shard), b.digest(shard));
        }
        assertEquals(Round.IN_SYNC, fromA.roundWith(atB));
        assertEquals(Round.IN_SYNC, fromB.roundWith(atA));
        assertEquals(30 + 1, statsA.peersAddedByRepair(), "b's peers, and the peer stopped in its own minute");
        assertEquals(30, statsB.peersAddedByRepair());
        assertTrue(statsA.shardsPulled() > 0);
        assertTrue(statsA.antiEntropyBytesReceived() > 30 * SyncRecords.PEER4_RECORD_BYTES);
        assertTrue(statsB.antiEntropyBytesSent() > 30 * SyncRecords.PEER4_RECORD_BYTES);
    }

    @Test
    void aSiblingWithAnotherShardCountIsRefusedAndCounted() throws IOException {
        SwarmStore other = new SwarmStore(16, 45, MinuteClock.SYSTEM);
        InetSocketAddress atOther = serve(other, new SyncStats());
        assertEquals(Round.REFUSED, new AntiEntropy(null, KEY, a, statsA, 0).roundWith(atOther));
    }

    @Test
    void aSiblingThatIsDownCostsOneFailedRound() throws IOException {
        InetSocketAddress nobody;
        try (ServerSocketChannel closed = ServerSocketChannel.open()) {
            closed.bind(new InetSocketAddress("127.0.0.1", 0));
            nobody = (InetSocketAddress) closed.getLocalAddress();
        }
        assertEquals(Round.FAILED, new AntiEntropy(null, KEY, a, statsA, 0).roundWith(nobody));
    }
}
