package dev.kubetracker.worker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SwarmStoreTest {
    private int now = 1_000_000;
    private final SwarmStore store = new SwarmStore(16, 45, () -> now);
    private final AnnounceReply reply = new AnnounceReply(200);

    private static final long HASH_A = 0x0102030405060708L;
    private static final long HASH_B = 0x7F00000000000000L;

    private void announce(long hash, int address, int port, long left, Announce.Event event, int numwant) {
        Announce a = new Announce();
        a.clear();
        a.infoHash.set(hash, 2, 3);
        a.family = 4;
        a.address4 = address;
        a.port = port;
        a.left = left;
        a.event = event;
        a.numwant = numwant;
        a.bothFamilies = true; // as HTTP
        store.announce(a, reply);
    }

    private void announce6(long hash, long high, long low, int port, long left, int numwant) {
        Announce a = new Announce();
        a.clear();
        a.infoHash.set(hash, 2, 3);
        a.family = 6;
        a.address6High = high;
        a.address6Low = low;
        a.port = port;
        a.left = left;
        a.numwant = numwant;
        store.announce(a, reply);
    }

    private Set<Long> peers4() {
        Set<Long> keys = new HashSet<>();
        for (int i = 0; i < reply.peers4Count; i++) {
            assertTrue(keys.add(PeerRecord.v4Key(reply.peers4[i])), "no duplicates in a reply");
        }
        return keys;
    }

    private static long key(int address, int port) {
        return PeerRecord.v4Key(PeerRecord.v4(address, port, 0, 0));
    }

    @Test
    void countsSeedersLeechersAndTorrents() {
        announce(HASH_A, 1, 1000, 0, Announce.Event.STARTED, 50);
        announce(HASH_A, 2, 1000, 100, Announce.Event.STARTED, 50);
        announce(HASH_A, 3, 1000, 100, Announce.Event.STARTED, 50);
        announce(HASH_B, 3, 1000, 100, Announce.Event.STARTED, 50);
        assertEquals(1, reply.seeders + reply.leechers);
        ScrapeCounts counts = new ScrapeCounts();
        store.scrape(HASH_A, 2, 3, counts);
        assertEquals(1, counts.seeders);
        assertEquals(2, counts.leechers);
        assertEquals(2, store.torrents());
        assertEquals(1, store.seeders());
        assertEquals(3, store.leechers());
    }

    @Test
    void neverHandsTheRequesterItself() {
        for (int i = 1; i <= 10; i++) {
            announce(HASH_A, i, 6881, 100, Announce.Event.NONE, 200);
            assertEquals(i - 1, reply.peers4Count);
            assertFalse(peers4().contains(key(i, 6881)));
        }
        for (int round = 0; round < 200; round++) {
            announce(HASH_A, 5, 6881, 100, Announce.Event.NONE, 3);
            assertEquals(3, reply.peers4Count);
            assertFalse(peers4().contains(key(5, 6881)));
        }
    }

    @Test
    void samePortOnAnotherAddressIsAnotherPeer() {
        announce(HASH_A, 1, 6881, 100, Announce.Event.NONE, 50);
        announce(HASH_A, 2, 6881, 100, Announce.Event.NONE, 50);
        announce(HASH_A, 1, 6882, 100, Announce.Event.NONE, 50);
        assertEquals(3, reply.leechers);
        assertEquals(Set.of(key(1, 6881), key(2, 6881)), peers4());
    }

    @Test
    void seedersGetOnlyLeechersWhileLeechersExist() {
        for (int i = 1; i <= 20; i++) {
            announce(HASH_A, i, 1, 0, Announce.Event.NONE, 50);
        }
        announce(HASH_A, 100, 1, 100, Announce.Event.NONE, 50);
        announce(HASH_A, 101, 1, 100, Announce.Event.NONE, 50);
        announce(HASH_A, 1, 1, 0, Announce.Event.NONE, 50);
        assertEquals(Set.of(key(100, 1), key(101, 1)), peers4());
        // A leecher gets both.
        announce(HASH_A, 100, 1, 100, Announce.Event.NONE, 50);
        assertEquals(21, reply.peers4Count);
    }

    @Test
    void seedersGetSeedersWhenThereAreNoLeechers() {
        announce(HASH_A, 1, 1, 0, Announce.Event.NONE, 50);
        announce(HASH_A, 2, 1, 0, Announce.Event.NONE, 50);
        assertEquals(Set.of(key(1, 1)), peers4());
    }

    @Test
    void numwantCapsThePeersAndSpreadsTheChoice() {
        for (int i = 1; i <= 1000; i++) {
            announce(HASH_A, i, 1, 100, Announce.Event.NONE, 0);
        }
        assertEquals(0, reply.peers4Count);
        Set<Long> seen = new HashSet<>();
        for (int round = 0; round < 400; round++) {
            announce(HASH_A, 5000, 1, 100, Announce.Event.NONE, 50);
            assertEquals(50, reply.peers4Count);
            seen.addAll(peers4());
        }
        assertTrue(seen.size() > 900, "random offsets reach most of the swarm, saw " + seen.size());
    }

    @Test
    void completedCountsOncePerPeer() {
        announce(HASH_A, 1, 1, 100, Announce.Event.STARTED, 50);
        announce(HASH_A, 1, 1, 0, Announce.Event.COMPLETED, 50);
        announce(HASH_A, 1, 1, 0, Announce.Event.COMPLETED, 50);
        announce(HASH_A, 2, 1, 0, Announce.Event.COMPLETED, 50);
        assertEquals(2, reply.downloaded);
        assertEquals(2, reply.seeders);
        assertEquals(0, reply.leechers);
        assertEquals(2, store.completed());
    }

    @Test
    void aLeecherBecomesASeederWhenLeftReachesZero() {
        announce(HASH_A, 1, 1, 100, Announce.Event.STARTED, 50);
        assertEquals(1, reply.leechers);
        announce(HASH_A, 1, 1, 0, Announce.Event.NONE, 50);
        assertEquals(1, reply.seeders);
        assertEquals(0, reply.leechers);
        assertEquals(1, store.seeders());
        assertEquals(0, store.leechers());
    }

    @Test
    void stoppedRemovesThePeerAndAnEmptyTorrent() {
        announce(HASH_A, 1, 1, 100, Announce.Event.STARTED, 50);
        announce(HASH_A, 2, 1, 0, Announce.Event.STARTED, 50);
        announce(HASH_A, 1, 1, 100, Announce.Event.STOPPED, 50);
        assertEquals(0, reply.leechers);
        assertEquals(1, reply.seeders);
        assertEquals(0, reply.peers4Count, "a stopped peer gets no peers");
        announce(HASH_A, 2, 1, 0, Announce.Event.STOPPED, 50);
        assertEquals(0, store.torrents());
        assertEquals(0, store.seeders() + store.leechers());
    }

    @Test
    void aTorrentWhoseLastPeerLeftKeepsItsDownloadCountForTheRetention() {
        announce(HASH_A, 1, 1, 0, Announce.Event.COMPLETED, 50);
        announce(HASH_A, 1, 1, 0, Announce.Event.STOPPED, 50);
        ScrapeCounts counts = new ScrapeCounts();
        store.scrape(HASH_A, 2, 3, counts);
        assertEquals(1, counts.downloaded);
        assertEquals(0, counts.seeders + counts.leechers);
        assertEquals(1, store.torrents());
        now += 24 * 60;
        store.sweep();
        assertEquals(1, store.torrents(), "a day is the default retention");
        now += 1;
        store.sweep();
        assertEquals(0, store.torrents());
    }

    @Test
    void stoppedForAnUnknownTorrentCreatesNothing() {
        announce(HASH_A, 1, 1, 100, Announce.Event.STOPPED, 50);
        assertEquals(0, store.torrents());
    }

    @Test
    void peersExpireAfterTheTimeoutAndNotBefore() {
        announce(HASH_A, 1, 1, 100, Announce.Event.STARTED, 50);
        now += 30;
        announce(HASH_A, 2, 1, 100, Announce.Event.STARTED, 50);
        now += 15;
        assertEquals(0, store.sweep(), "45 minutes old is not past a 45 minute timeout");
        now += 1;
        assertEquals(1, store.sweep());
        assertEquals(1, store.leechers());
        now += 30;
        assertEquals(1, store.sweep());
        assertEquals(0, store.torrents(), "a torrent without peers is dropped");
    }

    @Test
    void touchingATorrentCleansItLazily() {
        announce(HASH_A, 1, 1, 100, Announce.Event.STARTED, 50);
        now += 60;
        announce(HASH_A, 2, 1, 100, Announce.Event.STARTED, 50);
        assertEquals(1, reply.leechers);
        assertEquals(0, reply.peers4Count);
        assertEquals(1, store.leechers());
    }

    @Test
    void reannouncingKeepsAPeerAlive() {
        announce(HASH_A, 1, 1, 100, Announce.Event.STARTED, 50);
        for (int i = 0; i < 10; i++) {
            now += 30;
            announce(HASH_A, 1, 1, 100, Announce.Event.NONE, 50);
            store.sweep();
        }
        assertEquals(1, store.leechers());
    }

    @Test
    void ipv6PeersAreStoredAndHandedOutSeparately() {
        announce6(HASH_A, 0x20010db800000000L, 1, 7000, 100, 50);
        announce6(HASH_A, 0x20010db800000000L, 2, 7000, 100, 50);
        assertEquals(1, reply.peers6Count);
        assertEquals(0x20010db800000000L, reply.peers6[0]);
        assertEquals(1, reply.peers6[1]);
        assertEquals(7000, PeerRecord.port(reply.peers6[2]));
        announce(HASH_A, 9, 1, 100, Announce.Event.NONE, 50);
        assertEquals(3, reply.leechers);
        assertEquals(0, reply.peers4Count);
        assertEquals(2, reply.peers6Count, "the other family fills what numwant leaves");
        announce(HASH_A, 9, 1, 100, Announce.Event.NONE, 1);
        assertEquals(1, reply.peers4Count + reply.peers6Count);

        Announce udp = new Announce();
        udp.clear();
        udp.infoHash.set(HASH_A, 2, 3);
        udp.address4 = 10;
        udp.port = 1;
        udp.left = 5;
        udp.numwant = 50;
        store.announce(udp, reply);
        assertEquals(1, reply.peers4Count, "a UDP reply carries the requester's family only");
        assertEquals(0, reply.peers6Count);
    }

    @Test
    void agesStayExactAcrossALongPause() {
        announce(HASH_A, 1, 1, 100, Announce.Event.STARTED, 50);
        now += 300; // the process was suspended for five hours: more than 8 bits of minutes
        store.sweep();
        assertEquals(0, store.leechers(), "a peer silent for 300 minutes is gone, not 'seen 44 minutes ago'");
    }

    @Test
    void aClockSteppingBackDoesNotExpireFreshPeers() {
        announce(HASH_A, 1, 1, 100, Announce.Event.STARTED, 50);
        now -= 30; // NTP steps the clock back half an hour
        store.sweep();
        announce(HASH_A, 2, 1, 100, Announce.Event.STARTED, 50);
        assertEquals(2, store.leechers(), "nothing looks 255 minutes old");
        now += 40; // 10 minutes past the first stamp
        store.sweep();
        assertEquals(2, store.leechers());
        now += 10; // peer 2 was seen 50 minutes ago by the corrected clock
        store.sweep();
        assertEquals(1, store.leechers());
    }

    @Test
    void refusesWhatTheAdmissionRefusesAndNewTorrentsPastTheCap() {
        SwarmStore capped = new SwarmStore(1, 45, 2, 60, () -> now);
        capped.setAdmission((h, m, l) -> h != 666);
        Announce a = new Announce();
        a.clear();
        a.port = 1;
        a.address4 = 1;
        a.infoHash.set(666, 0, 0);
        assertEquals(SwarmStore.Outcome.REFUSED, capped.announce(a, reply));
        a.infoHash.set(1, 0, 0);
        assertEquals(SwarmStore.Outcome.ACCEPTED, capped.announce(a, reply));
        a.infoHash.set(2, 0, 0);
        assertEquals(SwarmStore.Outcome.ACCEPTED, capped.announce(a, reply));
        a.infoHash.set(3, 0, 0);
        assertEquals(SwarmStore.Outcome.FULL, capped.announce(a, reply));
        a.infoHash.set(1, 0, 0);
        assertEquals(SwarmStore.Outcome.ACCEPTED, capped.announce(a, reply), "known torrents still served");
        assertEquals(0, capped.torrents() - 2);
    }

    @Test
    void fullIterationComesOutInHashOrder() {
        long[] hashes = {0xFF00000000000000L, 0x0100000000000000L, 0x8000000000000001L, 0x8000000000000000L, 5};
        for (long h : hashes) {
            announce(h, 1, 1, 100, Announce.Event.NONE, 0);
        }
        TorrentRows rows = new TorrentRows();
        long previous = 0;
        int seen = 0;
        for (int shard = 0; shard < store.shardCount(); shard++) {
            store.copySortedShard(shard, rows);
            for (int r = 0; r < rows.size(); r++) {
                assertTrue(seen == 0 || Long.compareUnsigned(previous, rows.high(r)) < 0);
                previous = rows.high(r);
                seen++;
                assertEquals(1, rows.leechers(r));
            }
        }
        assertEquals(hashes.length, seen);
    }

    @Test
    void shardsSplitTheHashSpaceByLeadingBits() {
        assertEquals(0, store.shardIndexOf(0));
        assertEquals(15, store.shardIndexOf(-1L));
        assertNotEquals(store.shardIndexOf(0x1000000000000000L), store.shardIndexOf(0x2000000000000000L));
    }
}
