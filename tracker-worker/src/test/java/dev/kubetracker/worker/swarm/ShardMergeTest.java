package dev.kubetracker.worker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.StoreDumps;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardMergeTest {
    private static final int SHARDS = 64;
    private static final int TIMEOUT = 45;

    private int now = 1_000_000;
    private final AnnounceReply reply = new AnnounceReply(200);
    private final SwarmStore a = new SwarmStore(SHARDS, TIMEOUT, () -> now);
    private final SwarmStore b = new SwarmStore(SHARDS, TIMEOUT, () -> now);

    private static Announce announce(long hash, int address, Announce.Event event, long left) {
        Announce x = new Announce();
        x.clear();
        x.infoHash.set(hash, 2, 3);
        x.address4 = address;
        x.port = 6881;
        x.event = event;
        x.left = left;
        return x;
    }

    /** What sync does: the announce at the worker the client asked, and its copy at the sibling unless lost. */
    private void apply(SwarmStore origin, SwarmStore sibling, Announce x, boolean lost) {
        origin.announce(x, reply);
        if (!lost) {
            x.fromSync = true;
            sibling.announce(x, reply);
        }
    }

    private void pullEveryShard(SwarmStore into, SwarmStore from) {
        for (int shard = 0; shard < SHARDS; shard++) {
            into.merge(shard, StoreDumps.pull(from, shard));
        }
    }

    private void assertSameState() {
        assertEquals(StoreDumps.dump(a), StoreDumps.dump(b));
        for (int shard = 0; shard < SHARDS; shard++) {
            assertEquals(a.digest(shard), b.digest(shard), "shard " + shard);
        }
    }

    @Test
    void twoStoresWithRandomLossConvergeByPullingBothWays() {
        Random random = new Random(1414);
        int lostChanges = 0;
        for (int step = 0; step < 3_000; step++) {
            if (random.nextInt(50) == 0) {
                now++; // so ages differ, and a peer can be newer on one side
            }
            boolean toA = random.nextBoolean();
            boolean lost = random.nextInt(5) == 0;
            lostChanges += lost ? 1 : 0;
            Announce.Event event = switch (random.nextInt(10)) {
                case 0 -> Announce.Event.STOPPED;
                case 1 -> Announce.Event.COMPLETED;
                case 2 -> Announce.Event.STARTED;
                default -> Announce.Event.NONE;
            };
            long hash = (long) random.nextInt(200) << 54;
            long left = event == Announce.Event.COMPLETED || random.nextInt(3) == 0 ? 0 : 1000;
            Announce x = announce(hash, random.nextInt(8), event, left);
            apply(toA ? a : b, toA ? b : a, x, lost);
        }
        assertTrue(lostChanges > 100);
        assertNotEquals(StoreDumps.dump(a), StoreDumps.dump(b), "the loss made them differ");

        pullEveryShard(a, b);
        pullEveryShard(b, a);
        assertSameState();

        pullEveryShard(a, b); // idempotent
        assertSameState();
    }

    @Test
    void aStoppedLostOnOneSideRemovesThePeerThere() {
        Announce started = announce(7L << 58, 1, Announce.Event.STARTED, 100);
        apply(a, b, started, false);
        now += 2;
        apply(a, b, announce(7L << 58, 1, Announce.Event.STOPPED, 100), true);
        assertEquals(1, b.leechers());

        pullEveryShard(b, a);
        pullEveryShard(a, b);
        assertEquals(0, b.leechers(), "the tombstone is newer than the peer's last announce");
        assertEquals(0, a.leechers(), "and the ghost does not come back");
        assertSameState();
    }

    @Test
    void aPeerNewerLocallyIsNotLost() {
        apply(a, b, announce(9L << 58, 1, Announce.Event.STARTED, 100), false);
        now += 5;
        apply(b, a, announce(9L << 58, 1, Announce.Event.COMPLETED, 0), true);
        pullEveryShard(b, a);
        assertEquals(1, b.seeders(), "b's newer record wins over a's older leecher");
        pullEveryShard(a, b);
        assertEquals(1, a.seeders());
        assertSameState();
    }

    @Test
    void aStoppedInTheSameMinuteAsTheLastAnnounceLeavesThePeer() {
        apply(a, b, announce(5L << 58, 1, Announce.Event.STARTED, 100), false);
        apply(a, b, announce(5L << 58, 1, Announce.Event.STOPPED, 100), true);
        pullEveryShard(a, b);
        assertEquals(1, a.leechers(), "ties favour the peer: a ghost until the timeout, the documented price");
        assertFalse(StoreDumps.dump(a).isEmpty());
        assertSameState();
    }

    @Test
    void completionsLostOnDifferentSidesAreBothCounted() {
        long hash = 7L << 58;
        apply(a, b, announce(hash, 1, Announce.Event.STARTED, 100), false);
        apply(b, a, announce(hash, 2, Announce.Event.STARTED, 100), false);
        apply(a, b, announce(hash, 1, Announce.Event.COMPLETED, 0), true); // b never hears of it
        apply(b, a, announce(hash, 2, Announce.Event.COMPLETED, 0), true); // nor a of this one
        assertEquals(1, a.completed());
        assertEquals(1, b.completed());
        pullEveryShard(a, b);
        pullEveryShard(b, a);
        assertEquals(2, a.completed(), "by maximum alone both would stay at one");
        assertEquals(2, b.completed());
        assertSameState();
        pullEveryShard(a, b);
        assertEquals(2, a.completed(), "a merge again counts nothing twice");
    }

}
