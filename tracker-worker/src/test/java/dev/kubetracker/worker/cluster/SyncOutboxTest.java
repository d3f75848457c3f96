package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.ScrapeCounts;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SyncOutboxTest {
    private static final ClusterKey KEY = new ClusterKey("a cluster secret of enough bytes".getBytes(StandardCharsets.UTF_8));

    private static Announce change(int producer, int sequence) {
        Announce a = new Announce();
        a.clear();
        a.infoHash.set(0x1111, 0x2222, 0x3333);
        a.family = 4;
        a.address4 = sequence;
        a.port = producer + 1;
        a.event = Announce.Event.STARTED;
        a.left = 1;
        return a;
    }

    @Test
    void changesOfferedToAFullOutboxAreDroppedAndCountedAndSyncGoesOnAfterwards() throws Exception {
        SwarmStore store = new SwarmStore(16, 45, () -> 1000);
        SyncOutbox outbox = new SyncOutbox(4);
        try (DatagramChannel receiving = DatagramChannel.open()) {
            receiving.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
            int port = ((InetSocketAddress) receiving.getLocalAddress()).getPort();
            Membership siblings = new Membership(List.of("127.0.0.1:" + port), Optional.empty(),
                    new InetSocketAddress("127.0.0.1", 0), HostLookup.jdk());
            siblings.refresh();
            SyncStats stats = new SyncStats();
            SyncSender sender = new SyncSender(outbox, siblings, KEY, 1, stats);
            SyncReceiver receiver = new SyncReceiver(receiving, store, KEY, 2, stats);
            try {
                for (int i = 1; i <= 10; i++) {
                    outbox.record(change(0, i));
                }
                assertEquals(6, outbox.dropped());
                assertEquals(4, outbox.depth());
                assertEquals(4, sender.doWork());
                awaitLeechers(store, receiver, 4);

                for (int i = 11; i <= 13; i++) {
                    outbox.record(change(0, i));
                }
                assertEquals(6, outbox.dropped(), "room again once the sender drained");
                assertEquals(3, sender.doWork());
                awaitLeechers(store, receiver, 7);
                assertEquals(2, stats.datagramsSent());
            } finally {
                sender.onClose();
            }
        }
    }

    private static void awaitLeechers(SwarmStore store, SyncReceiver receiver, int expected) throws Exception {
        ScrapeCounts counts = new ScrapeCounts();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int calls = 0; calls < 100_000; calls++) {
            receiver.doWork();
            store.scrape(0x1111, 0x2222, 0x3333, counts);
            if (counts.leechers == expected) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "only " + counts.leechers + " of " + expected + " arrived");
            Thread.onSpinWait();
        }
        throw new AssertionError("only " + counts.leechers + " of " + expected + " arrived");
    }

    @Test
    void manyProducersOneConsumerLoseNothingUncountedAndKeepEachProducersOrder() throws Exception {
        int producers = 4;
        int perProducer = 50_000;
        SyncOutbox outbox = new SyncOutbox(256);
        CyclicBarrier start = new CyclicBarrier(producers + 1);
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads[p] = new Thread(() -> {
                Announce a = change(producer, 0);
                try {
                    start.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 1; i <= perProducer; i++) {
                    a.address4 = i;
                    outbox.record(a);
                }
            }, "producer-" + p);
            threads[p].setDaemon(true);
            threads[p].start();
        }
        start.await(10, TimeUnit.SECONDS);

        int[] lastSeen = new int[producers];
        long received = 0;
        ByteBuffer record = ByteBuffer.allocate(SyncRecords.MAX_RECORD_BYTES);
        Announce read = new Announce();
        int[] downloaded = new int[1];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            SyncChange change = outbox.poll();
            if (change == null) {
                if (!anyAlive(threads) && outbox.depth() == 0) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, "producers did not finish within 30 s");
                Thread.onSpinWait();
                continue;
            }
            record.clear();
            assertTrue(change.writeTo(record));
            outbox.recycle(change);
            record.flip();
            assertEquals(SyncRecords.ANNOUNCE, SyncRecords.read(record, read, downloaded));
            int producer = read.port - 1;
            assertTrue(read.address4 > lastSeen[producer],
                    "producer " + producer + ": " + read.address4 + " after " + lastSeen[producer]);
            lastSeen[producer] = read.address4;
            received++;
        }
        assertEquals((long) producers * perProducer, received + outbox.dropped(),
                "received " + received + ", dropped " + outbox.dropped());
        assertTrue(received > 0);
    }

    private static boolean anyAlive(Thread[] threads) {
        for (Thread t : threads) {
            if (t.isAlive()) {
                return true;
            }
        }
        return false;
    }
}
