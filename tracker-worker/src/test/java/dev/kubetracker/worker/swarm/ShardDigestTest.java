package dev.kubetracker.worker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.kubetracker.worker.testing.StoreDumps;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardDigestTest {
    private static final int SHARDS = 8;
    private static final int TIMEOUT = 45;

    private int now = 1_000_000;
    private final Random random = new Random(14);
    private final AnnounceReply reply = new AnnounceReply(200);

    private Announce randomAnnounce() {
        Announce a = new Announce();
        a.clear();
        a.infoHash.set((long) random.nextInt(24) << 58, 2, 3); // few torrents, spread over the shards
        a.family = random.nextInt(4) == 0 ? 6 : 4;
        a.address4 = random.nextInt(16);
        a.address6High = random.nextInt(4);
        a.address6Low = random.nextInt(4);
        a.port = 1 + random.nextInt(3);
        a.left = random.nextBoolean() ? 0 : 100;
        a.event = Announce.Event.values()[random.nextInt(Announce.Event.values().length)];
        a.numwant = 5;
        return a;
    }

    private static void assertDigestsRecount(SwarmStore store, String after) {
        for (int shard = 0; shard < SHARDS; shard++) {
            assertEquals(store.recountDigest(shard), store.digest(shard), "shard " + shard + " after " + after);
        }
    }

    @Test
    void theIncrementalDigestEqualsARecountAfterEveryKindOfChange() {
        SwarmStore store = new SwarmStore(SHARDS, TIMEOUT, () -> now);
        SwarmStore sibling = new SwarmStore(SHARDS, TIMEOUT, () -> now);
        for (int step = 0; step < 5_000; step++) {
            int op = random.nextInt(100);
            String what;
            if (op < 80) {
                store.announce(randomAnnounce(), reply);
                sibling.announce(randomAnnounce(), reply);
                what = "announce";
            } else if (op < 90) {
                now += random.nextInt(20); // the next announces expire lazily, or the sweep does
                if (random.nextBoolean()) {
                    store.sweep();
                }
                what = "time and sweep";
            } else if (op < 93) {
                long doomed = (long) random.nextInt(24) << 58;
                store.removeTorrents((h, m, l) -> h == doomed);
                what = "removeTorrents";
            } else {
                int shard = random.nextInt(SHARDS);
                store.merge(shard, StoreDumps.pull(sibling, shard));
                what = "merge";
            }
            assertDigestsRecount(store, what + " at step " + step);
        }
    }

    @Test
    void theDigestCoversPeersSeederBitsAndCountsButNotAgeOrTheCompletedFlag() {
        SwarmStore store = new SwarmStore(1, TIMEOUT, () -> now);
        Announce a = randomAnnounce();
        a.event = Announce.Event.STARTED;
        a.left = 100;
        store.announce(a, reply);
        long leecher = store.digest(0);
        now += 3;
        a.event = Announce.Event.NONE;
        store.announce(a, reply);
        assertEquals(leecher, store.digest(0), "a re-announce later");
        a.left = 0;
        store.announce(a, reply);
        long seeder = store.digest(0);
        assertNotEquals(leecher, seeder, "the seeder bit counts");
        a.event = Announce.Event.COMPLETED;
        store.announce(a, reply);
        assertNotEquals(seeder, store.digest(0), "the download count counts");
        a.event = Announce.Event.STOPPED;
        store.announce(a, reply);
        SwarmStore countOnly = new SwarmStore(1, TIMEOUT, () -> now);
        countOnly.mergeDownloaded(a.infoHash.high, a.infoHash.middle, a.infoHash.low, 1);
        assertNotEquals(0, store.digest(0), "the peer left, its torrent's count stays");
        assertEquals(countOnly.digest(0), store.digest(0), "what is left is the count alone");
    }
}
