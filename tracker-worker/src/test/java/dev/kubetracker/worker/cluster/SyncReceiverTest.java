package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.ScrapeCounts;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SyncReceiverTest {
    private static final byte[] SECRET = "a cluster secret of enough bytes".getBytes(StandardCharsets.UTF_8);
    private static final long NOW = 1_800_000_000_000L;

    private final SwarmStore store = new SwarmStore(16, 45, () -> (int) (NOW / 60_000));
    private final SyncStats stats = new SyncStats();
    private final ClusterKey key = new ClusterKey(SECRET);
    private final SyncReceiver receiver = new SyncReceiver(null, store, key, 42, stats);

    private static Announce change(int address, int port, Announce.Event event, long left) {
        Announce a = new Announce();
        a.clear();
        a.infoHash.set(0x1111, 0x2222, 0x3333);
        a.family = 4;
        a.address4 = address;
        a.port = port;
        a.event = event;
        a.left = left;
        return a;
    }

    private static ByteBuffer datagram(ClusterKey key, long sender, long sentAt, long sequence, Announce... changes) {
        ByteBuffer records = ByteBuffer.allocate(SyncDatagram.MAX_RECORD_BYTES);
        for (Announce a : changes) {
            assertTrue(SyncRecords.putChange(records, a));
        }
        ByteBuffer out = ByteBuffer.allocate(SyncDatagram.MAX_BYTES);
        SyncDatagram.encode(out, sender, sentAt, sequence, records, changes.length, key.signer());
        return out;
    }

    private ScrapeCounts counts() {
        ScrapeCounts c = new ScrapeCounts();
        store.scrape(0x1111, 0x2222, 0x3333, c);
        return c;
    }

    @Test
    void appliesAnAuthenticDatagramOnce() {
        ByteBuffer d = datagram(key, 7, NOW, 1, change(1, 1, Announce.Event.STARTED, 0),
                change(2, 1, Announce.Event.COMPLETED, 0), change(3, 1, Announce.Event.NONE, 9));
        receiver.handle(d.duplicate(), NOW);
        assertEquals(2, counts().seeders);
        assertEquals(1, counts().leechers);
        assertEquals(1, counts().downloaded, "a completed event syncs as a download");
        assertEquals(3, stats.recordsReceived());

        receiver.handle(d.duplicate(), NOW + 5);
        assertEquals(1, stats.drops(SyncStats.Drop.REPLAYED));
        assertEquals(1, counts().downloaded);
    }

    @Test
    void stoppedRemovesASyncedPeer() {
        receiver.handle(datagram(key, 7, NOW, 1, change(1, 1, Announce.Event.STARTED, 0)), NOW);
        receiver.handle(datagram(key, 7, NOW, 2, change(1, 1, Announce.Event.STOPPED, 0)), NOW);
        assertEquals(0, store.torrents());
    }

    @Test
    void acceptsReorderedDatagramsButNotTooOldOnes() {
        receiver.handle(datagram(key, 7, NOW, 100, change(1, 1, Announce.Event.NONE, 0)), NOW);
        receiver.handle(datagram(key, 7, NOW, 99, change(2, 1, Announce.Event.NONE, 0)), NOW);
        receiver.handle(datagram(key, 7, NOW, 30, change(3, 1, Announce.Event.NONE, 0)), NOW);
        assertEquals(2, counts().seeders);
        assertEquals(1, stats.drops(SyncStats.Drop.REPLAYED));
    }

    @Test
    void dropsForgedStaleTruncatedAndOwnDatagramsWithoutChangingState() {
        Announce peer = change(1, 1, Announce.Event.STARTED, 0);
        receiver.handle(datagram(new ClusterKey("another secret of enough bytes!!".getBytes()), 7, NOW, 1, peer), NOW);
        assertEquals(1, stats.drops(SyncStats.Drop.BAD_MAC));

        ByteBuffer flipped = datagram(key, 7, NOW, 1, peer);
        flipped.put(40, (byte) (flipped.get(40) ^ 1));
        receiver.handle(flipped, NOW);
        assertEquals(2, stats.drops(SyncStats.Drop.BAD_MAC));

        receiver.handle(datagram(key, 7, NOW - 31_000, 1, peer), NOW);
        receiver.handle(datagram(key, 7, NOW + 31_000, 1, peer), NOW);
        assertEquals(2, stats.drops(SyncStats.Drop.STALE));

        ByteBuffer whole = datagram(key, 7, NOW, 1, peer);
        receiver.handle(whole.duplicate().limit(20), NOW);
        receiver.handle(whole.duplicate().limit(whole.limit() - 5), NOW);
        assertEquals(1, stats.drops(SyncStats.Drop.TRUNCATED));
        assertEquals(3, stats.drops(SyncStats.Drop.BAD_MAC), "a cut datagram no longer matches its MAC");

        receiver.handle(ByteBuffer.wrap(new byte[100]), NOW);
        assertEquals(1, stats.drops(SyncStats.Drop.BAD_MAGIC));

        receiver.handle(datagram(key, 42, NOW, 1, peer), NOW);
        assertEquals(1, stats.drops(SyncStats.Drop.OWN));
        assertEquals(0, store.torrents());
        assertEquals(0, stats.datagramsReceived());
    }

    @Test
    void aRecordCountThatDoesNotMatchTheBodyIsMalformed() {
        ByteBuffer records = ByteBuffer.allocate(SyncDatagram.MAX_RECORD_BYTES);
        SyncRecords.putChange(records, change(1, 1, Announce.Event.STARTED, 0));
        ByteBuffer out = ByteBuffer.allocate(SyncDatagram.MAX_BYTES);
        SyncDatagram.encode(out, 7, NOW, 1, records, 2, key.signer());
        receiver.handle(out, NOW);
        assertEquals(1, stats.drops(SyncStats.Drop.MALFORMED_RECORD));
        assertEquals(0, store.torrents());
    }

    @Test
    void changesThatFindNoRoomInTheStoreAreCountedNotApplied() {
        SwarmStore full = new SwarmStore(1, 45, 1, 0, 60, () -> (int) (NOW / 60_000)); // room for one torrent
        SyncReceiver into = new SyncReceiver(null, full, key, 42, stats);
        Announce other = change(9, 1, Announce.Event.STARTED, 0);
        other.infoHash.set(0x4444, 0x5555, 0x6666);

        into.handle(datagram(key, 7, NOW, 1, change(1, 1, Announce.Event.STARTED, 0), other), NOW);

        assertEquals(1, full.torrents());
        assertEquals(1, stats.datagramsReceived(), "the datagram is taken; only the record that did not fit is not");
        assertEquals(1, stats.recordsRefusedFor(SyncStats.Source.SYNC));
    }
}
