package dev.kubetracker.worker.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.access.InfoHashSet;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.ScrapeCounts;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.swarm.TorrentRows;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackerLogicTest {
    private static final long ALLOWED = 0x1000_0000_0000_0000L;
    private static final long LISTED = 0x2000_0000_0000_0000L;

    private final int now = 1_000;
    private final RequestCounters counters = new RequestCounters();
    private final List<String> recorded = new ArrayList<>();
    private final AnnounceReply reply = new AnnounceReply(50);

    private TrackerLogic logic(SwarmStore store, AccessList accessList, RandomPeers randomPeers) {
        return new TrackerLogic(store, accessList, new AnnouncePolicy(1800, 900, 50, 200),
                a -> recorded.add(a.event + " " + a.port), randomPeers, counters);
    }

    private TrackerLogic logic(SwarmStore store, AccessList accessList) {
        return logic(store, accessList, new RandomPeers(0, 0, 1024, 65535));
    }

    private static Announce announce(long hashHigh, int address, int port, Announce.Event event) {
        Announce a = new Announce();
        a.infoHash.set(hashHigh, 7, 9);
        a.family = 4;
        a.address4 = address;
        a.port = port;
        a.left = 1;
        a.event = event;
        a.numwant = 50;
        return a;
    }

    private static AccessList blacklistOf(long... highs) {
        TorrentRows rows = new TorrentRows();
        for (long high : highs) {
            rows.visit(high, 7, 9, 0, 0, 0);
        }
        AccessList list = new AccessList(AccessList.Mode.BLACKLIST);
        list.replace(InfoHashSet.of(rows));
        return list;
    }

    @Test
    void aServedAnnounceIsStoredRecordedForTheSiblingsCountedAndGivenAnIntervalWithItsSpread() {
        SwarmStore store = new SwarmStore(16, 45, () -> now);
        TrackerLogic logic = logic(store, AccessList.off());
        logic.announce(announce(ALLOWED, 0x0A000001, 6881, Announce.Event.STARTED), Protocol.UDP, reply);
        AnnounceOutcome outcome = logic.announce(announce(ALLOWED, 0x0A000002, 6882, Announce.Event.NONE),
                Protocol.HTTP, reply);

        assertEquals(AnnounceOutcome.SERVED, outcome);
        assertEquals(List.of("STARTED 6881", "NONE 6882"), recorded);
        assertEquals(2, reply.leechers);
        assertEquals(1, reply.peers4Count, "the other peer, never the requester itself");
        assertTrue(reply.interval >= 1620 && reply.interval < 1980, "interval " + reply.interval);
        assertEquals(1, counters.announces(Protocol.UDP, 4, Announce.Event.STARTED));
        assertEquals(1, counters.announces(Protocol.HTTP, 4, Announce.Event.NONE));
        assertEquals(2, store.leechers());
    }

    @Test
    void aRefusedAnnounceIsNotStoredNotRecordedAndCountedByReason() {
        SwarmStore store = new SwarmStore(16, 45, () -> now);
        TrackerLogic logic = logic(store, blacklistOf(LISTED));

        AnnounceOutcome outcome = logic.announce(announce(LISTED, 0x0A000001, 6881, Announce.Event.STARTED),
                Protocol.UDP, reply);

        assertEquals(AnnounceOutcome.NOT_AUTHORIZED, outcome);
        assertEquals(AccessList.REFUSAL, outcome.failureReason());
        assertTrue(recorded.isEmpty(), "siblings never hear of a refused torrent");
        assertEquals(0, store.torrents());
        assertEquals(1, counters.errors(Protocol.UDP, ErrorReason.NOT_AUTHORIZED));
        assertEquals(0, counters.announces(Protocol.UDP));
    }

    @Test
    void aFullStoreRefusesNewTorrentsButServesKnownOnes() {
        SwarmStore store = new SwarmStore(1, 45, 1, 60, () -> now);
        TrackerLogic logic = logic(store, AccessList.off());
        assertEquals(AnnounceOutcome.SERVED,
                logic.announce(announce(ALLOWED, 0x0A000001, 6881, Announce.Event.STARTED), Protocol.HTTP, reply));

        AnnounceOutcome refused = logic.announce(announce(LISTED, 0x0A000001, 6881, Announce.Event.STARTED),
                Protocol.HTTP, reply);
        AnnounceOutcome known = logic.announce(announce(ALLOWED, 0x0A000002, 6882, Announce.Event.STARTED),
                Protocol.HTTP, reply);

        assertEquals(AnnounceOutcome.TRACKER_FULL, refused);
        assertTrue(refused.failureReason().startsWith("tracker full"));
        assertEquals(AnnounceOutcome.SERVED, known);
        assertEquals(List.of("STARTED 6881", "STARTED 6882"), recorded);
        assertEquals(1, counters.errors(Protocol.HTTP, ErrorReason.TRACKER_FULL));
    }

    @Test
    void aRefusedHashIsUnknownToNamedScrapesAndAbsentFromTheFullScrape() {
        SwarmStore store = new SwarmStore(16, 45, () -> now);
        AccessList list = new AccessList(AccessList.Mode.BLACKLIST);
        TrackerLogic logic = logic(store, list);
        logic.announce(announce(ALLOWED, 0x0A000001, 6881, Announce.Event.STARTED), Protocol.HTTP, reply);
        logic.announce(announce(LISTED, 0x0A000001, 6881, Announce.Event.STARTED), Protocol.HTTP, reply);
        // The list now refuses LISTED, but the reload's purge of the store has not run yet.
        list.replace(blacklistOfSet(LISTED));

        ScrapeCounts counts = new ScrapeCounts();
        logic.scrape(LISTED, 7, 9, counts);
        assertEquals(0, counts.seeders + counts.leechers + counts.downloaded);
        logic.scrape(ALLOWED, 7, 9, counts);
        assertEquals(1, counts.leechers);

        List<Long> listed = new ArrayList<>();
        TorrentRows rows = new TorrentRows();
        for (int shard = 0; shard < logic.shardCount(); shard++) {
            logic.fullScrapeShard(shard, rows);
            for (int row = 0; row < rows.size(); row++) {
                listed.add(rows.high(row));
            }
        }
        assertEquals(List.of(ALLOWED), listed);
        assertEquals(2, store.torrents(), "the store still holds it: only the scrapes hide it");
    }

    @Test
    void randomPeersAreMixedIntoServedRepliesButNeverIntoStoppedOnes() {
        SwarmStore store = new SwarmStore(16, 45, () -> now);
        TrackerLogic logic = logic(store, AccessList.off(), new RandomPeers(1, 5, 1024, 65535));

        logic.announce(announce(ALLOWED, 0x0A000001, 6881, Announce.Event.STARTED), Protocol.UDP, reply);
        assertTrue(reply.peers4Count > 0, "deniability always on: made-up peers in a lone peer's reply");
        assertFalse(store.seeders() + store.leechers() > 1, "made-up peers are never stored");

        logic.announce(announce(ALLOWED, 0x0A000001, 6881, Announce.Event.STOPPED), Protocol.UDP, reply);
        assertEquals(0, reply.peers4Count);
    }

    @Test
    void aClientOverItsLimitsIsRefusedWhileOthersAreServed() {
        SwarmStore store = new SwarmStore(16, 45, () -> now);
        long[] nanos = {0};
        TrackerLogic logic = new TrackerLogic(store, AccessList.off(), new AnnouncePolicy(1800, 900, 50, 200),
                a -> recorded.add(a.event + " " + a.port), new RandomPeers(0, 0, 1024, 65535), counters,
                new ClientLimits(3, 2, 64, () -> nanos[0]));

        assertEquals(AnnounceOutcome.SERVED,
                logic.announce(announce(ALLOWED, 0x0A000001, 6881, Announce.Event.STARTED), Protocol.UDP, reply));
        assertEquals(AnnounceOutcome.SERVED,
                logic.announce(announce(LISTED, 0x0A000001, 6881, Announce.Event.STARTED), Protocol.UDP, reply));
        assertEquals(AnnounceOutcome.TORRENT_RATE_LIMITED,
                logic.announce(announce(0x3000_0000_0000_0000L, 0x0A000001, 6881, Announce.Event.STARTED),
                        Protocol.UDP, reply), "a third new torrent in the minute");
        assertEquals(AnnounceOutcome.RATE_LIMITED,
                logic.announce(announce(ALLOWED, 0x0A000001, 6881, Announce.Event.NONE), Protocol.UDP, reply),
                "a fourth request in the second");
        assertEquals(AnnounceOutcome.SERVED,
                logic.announce(announce(0x3000_0000_0000_0000L, 0x0A000002, 6881, Announce.Event.STARTED),
                        Protocol.UDP, reply), "another client creates the torrent");

        assertEquals(3, store.torrents());
        assertEquals(1, counters.errors(Protocol.UDP, ErrorReason.RATE_LIMITED));
        assertEquals(1, counters.errors(Protocol.UDP, ErrorReason.TORRENT_RATE_LIMITED));
        assertEquals(3, recorded.size(), "refused announces never reach the siblings");
    }

    private static InfoHashSet blacklistOfSet(long high) {
        TorrentRows rows = new TorrentRows();
        rows.visit(high, 7, 9, 0, 0, 0);
        return InfoHashSet.of(rows);
    }
}
