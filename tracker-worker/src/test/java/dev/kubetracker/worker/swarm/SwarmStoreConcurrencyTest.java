package dev.kubetracker.worker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Announcers, the expiry sweep (on a clock the test moves, now and then backwards) and access-list
 * purges run at once over a small set of hashes and peers, as in JCTools' queue sanity tests; after
 * they stop, the shard counters the metrics and {@code /stats} read must equal a recount made by
 * walking the store, and no swarm may hold a peer twice. Bounded in count; the time limit only bounds
 * a hang.
 */
class SwarmStoreConcurrencyTest {
    private static final int ANNOUNCERS = 3;
    private static final int ANNOUNCES_EACH = 40_000;
    /**
     * The sweeper and the purger act each time the announcers together have made this many more announces
     * since they last acted, so a lagging one never catches up in a burst (eight purges in a row would
     * empty the store).
     */
    private static final int ANNOUNCES_PER_SWEEP = 500;
    private static final int ANNOUNCES_PER_PURGE = 2_000;
    /** Announcers wait while the sweeper or the purger has not acted for this many announces. */
    private static final int MAX_LAG = 5_000;
    private static final int HASHES = 48;
    private static final int PEERS = 24;
    private static final int PEER_TIMEOUT_MINUTES = 3;
    /** 600 minutes in all: past the 8-bit minute stamps' wrap. */
    private static final int ANNOUNCES_PER_MINUTE = 200;

    private final AtomicLong announced = new AtomicLong();
    private final SwarmStore store = new SwarmStore(4, PEER_TIMEOUT_MINUTES, this::minute);
    private final long[] hashHighs = new long[HASHES];
    private final AtomicBoolean announcing = new AtomicBoolean(true);
    private final AtomicLong sweptAt = new AtomicLong();
    private final AtomicLong purgedAt = new AtomicLong();
    private final AtomicLong sweeps = new AtomicLong();
    private final AtomicLong purges = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong purged = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @RepeatedTest(10)
    void shardCountersEqualARecountAfterConcurrentAnnouncesSweepsAndPurges(RepetitionInfo repetition) throws Exception {
        Random seeds = new Random(repetition.getCurrentRepetition());
        for (int i = 0; i < HASHES; i++) {
            hashHighs[i] = seeds.nextLong(); // spread over the shards by their top bits
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> announcers = new ArrayList<>();
        for (int t = 0; t < ANNOUNCERS; t++) {
            long seed = seeds.nextLong();
            announcers.add(start("announcer-" + t, go, () -> announce(new Random(seed))));
        }
        Thread sweeper = start("sweeper", go, this::sweep);
        Thread purger = start("purger", go, this::purge);
        go.countDown();
        for (Thread announcer : announcers) {
            join(announcer);
        }
        announcing.set(false);
        join(sweeper);
        join(purger);
        if (failure.get() != null) {
            throw new AssertionError("a worker thread failed", failure.get());
        }

        long[] torrentWalk = new long[3]; // torrents, seeders, leechers by forEachTorrent
        long[] peerWalk = new long[2]; // seeders, leechers by forEachPeer
        for (int shard = 0; shard < store.shardCount(); shard++) {
            store.forEachTorrent(shard, (h, m, l, seeders, leechers, downloaded) -> {
                torrentWalk[0]++;
                torrentWalk[1] += seeders;
                torrentWalk[2] += leechers;
            });
            Set<String> seen = new HashSet<>();
            store.forEachPeer(shard, (h, m, l, family, address4, high, low, port, flags, age) -> {
                String peer = h + "/" + family + "/" + address4 + "/" + high + "/" + low + "/" + port;
                assertTrue(seen.add(peer), "a peer held twice: " + peer);
                peerWalk[(flags & PeerRecord.SEEDER) != 0 ? 0 : 1]++;
            });
        }
        assertTrue(sweeps.get() > 0 && purges.get() > 0 && store.seeders() + store.leechers() > 0,
                sweeps + " sweeps expired " + expired + " peers, " + purges + " purges dropped " + purged
                        + " torrents, " + store.seeders() + " seeders and " + store.leechers() + " leechers left");
        assertEquals(torrentWalk[0], store.torrents(), "torrents");
        assertEquals(torrentWalk[1], store.seeders(), "seeders by torrent");
        assertEquals(torrentWalk[2], store.leechers(), "leechers by torrent");
        assertEquals(peerWalk[0], store.seeders(), "seeders by peer");
        assertEquals(peerWalk[1], store.leechers(), "leechers by peer");
    }

    private void announce(Random random) {
        Announce a = new Announce();
        AnnounceReply reply = new AnnounceReply(50);
        Announce.Event[] events = Announce.Event.values();
        for (int i = 0; i < ANNOUNCES_EACH; i++) {
            int hash = random.nextInt(HASHES);
            int peer = random.nextInt(PEERS);
            a.clear();
            a.infoHash.set(hashHighs[hash], hash, hash);
            if (random.nextBoolean()) {
                a.family = 4;
                a.address4 = 0x0A000000 + peer;
            } else {
                a.family = 6;
                a.address6High = 0x20010db800000000L;
                a.address6Low = peer;
            }
            a.port = 6881 + peer % 3;
            a.left = random.nextInt(3) == 0 ? 0 : 1000; // peers turn from leecher to seeder and back
            a.event = events[random.nextInt(events.length)];
            a.numwant = random.nextInt(50);
            a.bothFamilies = random.nextBoolean();
            store.announce(a, reply);
            if (i % 100 == 99) {
                long total = announced.addAndGet(100);
                while ((total - sweptAt.get() > MAX_LAG || total - purgedAt.get() > MAX_LAG)
                        && failure.get() == null) {
                    Thread.yield();
                }
            }
        }
    }

    /**
     * The clock follows the announcers' progress, so it moves at the same pace however the threads are
     * scheduled; one minute in ten it reads two minutes early, as a clock stepped back.
     */
    private int minute() {
        int elapsed = (int) (announced.get() / ANNOUNCES_PER_MINUTE);
        return 1_000_000 + elapsed - (elapsed % 10 == 5 ? 2 : 0);
    }

    private void sweep() {
        while (awaitAnnounced(sweptAt.get() + ANNOUNCES_PER_SWEEP)) {
            sweptAt.set(announced.get());
            sweeps.incrementAndGet();
            expired.addAndGet(store.sweep());
        }
    }

    /** Drops a changing eighth of the hashes, as an access-list reload that refuses them would. */
    private void purge() {
        while (awaitAnnounced(purgedAt.get() + ANNOUNCES_PER_PURGE)) {
            purgedAt.set(announced.get());
            int eighth = (int) (purges.getAndIncrement() % 8);
            purged.addAndGet(store.removeTorrents((high, middle, low) -> middle % 8 == eighth));
        }
    }

    /** True once the announcers have made {@code count} announces; false when they have stopped short of it or finished. */
    private boolean awaitAnnounced(long count) {
        if (count >= (long) ANNOUNCERS * ANNOUNCES_EACH) {
            return false;
        }
        while (announced.get() < count) {
            if (!announcing.get()) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    private Thread start(String name, CountDownLatch go, Runnable work) {
        Thread thread = new Thread(() -> {
            try {
                go.await();
                work.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, name);
        thread.start();
        return thread;
    }

    private static void join(Thread thread) throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(60));
        assertTrue(!thread.isAlive(), thread.getName() + " still running after 60 s");
    }
}
