package dev.kubetracker.worker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SwarmStoreBudgetTest {
    private int now = 1_000_000;
    private final AnnounceReply reply = new AnnounceReply(200);

    private static Announce announce(long hash, int family, long address, int port, Announce.Event event) {
        Announce a = new Announce();
        a.infoHash.set(hash, hash * 31, (int) hash);
        a.family = family;
        if (family == 6) {
            a.address6High = 0x2001_0db8_0000_0000L | (address >>> 32);
            a.address6Low = address;
        } else {
            a.address4 = (int) address;
        }
        a.port = port;
        a.left = 1;
        a.event = event;
        a.numwant = 50;
        return a;
    }

    private SwarmStore storeWithBudget(int shards, long budget) {
        return new SwarmStore(shards, 45, 0, budget, 60, () -> now);
    }

    @Test
    void theAccountEqualsARecountThroughGrowthRoleChangesExpiryAndRemoval() {
        SwarmStore store = storeWithBudget(4, 0);
        long empty = store.bytes();
        assertEquals(empty, store.recountBytes());
        SplittableRandom random = new SplittableRandom(42);
        Announce.Event[] events = Announce.Event.values();
        for (int step = 0; step < 20_000; step++) {
            Announce a = announce(random.nextInt(300), random.nextBoolean() ? 4 : 6, random.nextInt(2_000),
                    1 + random.nextInt(3), events[random.nextInt(events.length)]);
            a.left = random.nextInt(3) == 0 ? 0 : 1;
            store.announce(a, reply);
            if (step % 2_000 == 1_999) {
                now += 20; // some peers expire in the sweep
                store.sweep();
                assertEquals(store.recountBytes(), store.bytes(), "after the sweep at step " + step);
            }
            if (step == 10_000) {
                store.removeTorrents((h, m, l) -> (h & 1) == 0); // an access-list reload's purge
            }
        }
        assertEquals(store.recountBytes(), store.bytes());
        assertTrue(store.bytes() > empty);

        now += 24 * 60; // every peer and every retained download count expires
        store.sweep();
        assertEquals(0, store.torrents());
        assertEquals(empty, store.bytes(), "tables shrink back once the torrents are gone");
        assertEquals(empty, store.recountBytes());
    }

    @Test
    void aStoreAtItsBudgetRefusesNewTorrentsAndNewPeersButServesKnownPeers() {
        SwarmStore store = storeWithBudget(1, 64 * 1024);
        int accepted = 0;
        SwarmStore.Outcome outcome = SwarmStore.Outcome.ACCEPTED;
        for (long hash = 1; hash <= 10_000 && outcome == SwarmStore.Outcome.ACCEPTED; hash++) {
            outcome = store.announce(announce(hash, 4, 0x0A000001, 6881, Announce.Event.STARTED), reply);
            assertTrue(store.bytes() <= store.budgetBytes(), "never past the budget");
            if (outcome == SwarmStore.Outcome.ACCEPTED) {
                accepted++;
            }
        }
        assertEquals(SwarmStore.Outcome.FULL, outcome, "the flood is refused before 10,000 torrents");
        assertTrue(accepted > 100, "a 64 KiB budget holds " + accepted + " one-peer torrents");
        long held = store.torrents();

        // Known peers re-announce, scrapes answer, a known peer's stop is served.
        assertEquals(SwarmStore.Outcome.ACCEPTED,
                store.announce(announce(1, 4, 0x0A000001, 6881, Announce.Event.NONE), reply));
        assertEquals(1, reply.leechers);
        ScrapeCounts counts = new ScrapeCounts();
        store.scrape(1, 31, 1, counts);
        assertEquals(1, counts.leechers);
        // New peers in a known torrent fit while its peer array has room or can grow within the budget.
        int peers = 1;
        for (int address = 2; address < 10_000; address++) {
            if (store.announce(announce(1, 4, 0x0A000000 + address, 6881, Announce.Event.STARTED), reply)
                    == SwarmStore.Outcome.FULL) {
                break;
            }
            peers++;
            assertTrue(store.bytes() <= store.budgetBytes(), "never past the budget");
        }
        store.scrape(1, 31, 1, counts);
        assertEquals(peers, counts.leechers, "the refused peer was not stored");
        assertTrue(peers < 10_000);
        assertEquals(SwarmStore.Outcome.ACCEPTED,
                store.announce(announce(2, 4, 0x0A000001, 6881, Announce.Event.STOPPED), reply));
        assertEquals(held - 1, store.torrents(), "a stopped last peer takes its torrent with it");
        assertFalse(store.mergeDownloaded(999_999, 999_999 * 31, 999_999, 5) && store.bytes() > store.budgetBytes());
        assertEquals(store.recountBytes(), store.bytes());

        now += 46; // everything expires: room again
        store.sweep();
        assertEquals(SwarmStore.Outcome.ACCEPTED,
                store.announce(announce(20_000, 4, 0x0A000001, 6881, Announce.Event.STARTED), reply));
    }

    @Test
    void oneLargeSwarmMayHoldFarMoreThanAShardsShareOfTheBudget() {
        SwarmStore store = storeWithBudget(64, 1 << 20);
        for (int address = 1; address <= 50_000; address++) {
            assertEquals(SwarmStore.Outcome.ACCEPTED,
                    store.announce(announce(7, 4, address, 6881, Announce.Event.STARTED), reply), "peer " + address);
        }
        assertTrue(store.bytes() > (1 << 20) / 64 * 10, "a popular torrent is not held to 1/64 of the budget");
        assertTrue(store.bytes() <= store.budgetBytes());
    }

    @Test
    void snapshotDownloadCountsObeyTheBudget() {
        SwarmStore store = storeWithBudget(1, 16 * 1024);
        int merged = 0;
        for (long hash = 1; hash <= 10_000; hash++) {
            if (!store.mergeDownloaded(hash, hash * 31, (int) hash, 3)) {
                break;
            }
            merged++;
        }
        assertTrue(merged > 10 && merged < 10_000, merged + " counts merged into 16 KiB");
        assertTrue(store.bytes() <= store.budgetBytes());
        assertEquals(store.recountBytes(), store.bytes());
    }

    /**
     * The account against the heap itself: the live heap a store of 100,000 one-peer torrents holds,
     * measured after full collections, is what the store says it holds (within a tenth; the rest of
     * the JVM allocates a little meanwhile).
     */
    @Test
    void theAccountMatchesTheHeapTheStoreHolds() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = liveHeap(memory);
        SwarmStore store = storeWithBudget(64, 0);
        for (long hash = 1; hash <= 100_000; hash++) {
            store.announce(announce(hash * 0x9E3779B97F4A7C15L, hash % 3 == 0 ? 6 : 4, hash, 6881,
                    Announce.Event.STARTED), reply);
        }
        long measured = liveHeap(memory) - before;
        long accounted = store.bytes();
        assertEquals(100_000, store.torrents()); // keeps the store reachable until measured
        double ratio = (double) measured / accounted;
        assertTrue(ratio > 0.9 && ratio < 1.1,
                "measured " + measured + " bytes, accounted " + accounted + " (ratio " + ratio + ")");
    }

    private static long liveHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
