package dev.kubetracker.worker.cluster;

import dev.kubetracker.bench.TorrentModel;
import dev.kubetracker.bench.jmh.ThreadCpuProfiler;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.MinuteClock;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one change from a sibling costs a receiver, per record, from the datagram's bytes to the store:
 * size and magic checks, HMAC verify, replay guard, the well-formedness pass, parse and
 * {@link SwarmStore#announce} (what {@link SyncReceiver#handle} does; the receive syscall is not in it).
 * Each invocation applies a pass of {@link #DATAGRAMS} full datagrams (46 IPv4 records each, as the sender
 * packs them under load) to a store filled with the load generator's model, by default 1M peers over 100k
 * torrents. {@code reannounce}: records of peers the store holds (the steady state); {@code new-peer}:
 * peers it does not hold, on the model's torrents (removed again before the next pass, untimed).
 *
 * <p>It lives in the cluster package to reach the package-private receiver without widening the worker's
 * API. The datagrams are signed once; each pass gets a fresh receiver (so a fresh replay window) and is
 * handed the datagrams' own send time, so none is stale or replayed: the teardown checks that.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseSerialGC"})
public class SyncApplyBenchmark {
    static final int DATAGRAMS = 1024;
    static final int RECORDS_PER_DATAGRAM = SyncDatagram.MAX_RECORD_BYTES / SyncRecords.PEER4_RECORD_BYTES;
    private static final long SENDER_ID = 0x5EED;
    private static final long RECEIVER_ID = 0xACE;
    private static final int NEW_PEER_ADDRESSES = 0x0A000000; // 10.0.0.0/8: never a model peer's address

    @Param({"reannounce", "new-peer"})
    String change;

    @Param("100000")
    int torrents;

    @Param("1000000")
    int peers;

    private SwarmStore store;
    private ClusterKey key;
    private final ByteBuffer[] datagrams = new ByteBuffer[DATAGRAMS];
    private final Announce[] passPeers = new Announce[DATAGRAMS * RECORDS_PER_DATAGRAM];
    private final AnnounceReply reply = new AnnounceReply(1);
    private long sentAt;
    private SyncStats stats;
    private SyncReceiver receiver;
    private boolean passApplied;

    @Setup(Level.Trial)
    public void fill() {
        TorrentModel model = new TorrentModel(torrents, peers, Math.max(64, TorrentModel.minimumSources(peers)), 1.0,
                0.75, 42);
        store = new SwarmStore(1024, 45, MinuteClock.SYSTEM);
        for (int p = 0; p < peers; p++) {
            Announce a = new Announce();
            setModelPeer(a, model, p);
            store.announce(a, reply);
        }
        SplittableRandom random = new SplittableRandom(7);
        boolean newPeers = change.equals("new-peer");
        for (int i = 0; i < passPeers.length; i++) {
            Announce a = new Announce();
            setModelPeer(a, model, random.nextInt(peers));
            if (newPeers) {
                a.address4 = NEW_PEER_ADDRESSES | i; // same torrent, an address the store has not seen
            }
            passPeers[i] = a;
        }
        key = new ClusterKey(new byte[32]);
        ClusterKey.Signer signer = key.signer();
        sentAt = System.currentTimeMillis();
        ByteBuffer records = ByteBuffer.allocate(SyncDatagram.MAX_RECORD_BYTES);
        for (int d = 0; d < DATAGRAMS; d++) {
            records.clear();
            for (int r = 0; r < RECORDS_PER_DATAGRAM; r++) {
                SyncRecords.putChange(records, passPeers[d * RECORDS_PER_DATAGRAM + r]);
            }
            datagrams[d] = ByteBuffer.allocate(SyncDatagram.MAX_BYTES);
            SyncDatagram.encode(datagrams[d], SENDER_ID, sentAt, d + 1, records, RECORDS_PER_DATAGRAM, signer);
        }
    }

    private static void setModelPeer(Announce a, TorrentModel model, int peer) {
        int rank = model.torrentOf(peer);
        a.infoHash.set(model.hashHigh(rank), model.hashMiddle(rank), model.hashLow(rank));
        a.family = 4;
        a.address4 = 0x7F010000 | model.sourceOf(peer);
        a.port = model.portOf(peer);
        a.left = model.isSeeder(peer) ? 0 : 1 << 20;
    }

    @Setup(Level.Invocation)
    public void freshPass() {
        if (passApplied && change.equals("new-peer")) {
            for (Announce a : passPeers) {
                a.event = Announce.Event.STOPPED;
                store.announce(a, reply);
                a.event = Announce.Event.NONE;
            }
        }
        stats = new SyncStats();
        receiver = new SyncReceiver(null, store, key, RECEIVER_ID, stats);
    }

    @Benchmark
    @OperationsPerInvocation(DATAGRAMS * RECORDS_PER_DATAGRAM)
    public void applyPass() {
        long started = ThreadCpuProfiler.start();
        for (ByteBuffer datagram : datagrams) {
            receiver.handle(datagram, sentAt);
        }
        ThreadCpuProfiler.stop(started, DATAGRAMS * RECORDS_PER_DATAGRAM);
    }

    @TearDown(Level.Invocation)
    public void checkEveryRecordApplied() {
        passApplied = true;
        long expected = (long) DATAGRAMS * RECORDS_PER_DATAGRAM;
        if (stats.recordsReceived() != expected || stats.recordsRefusedFor(SyncStats.Source.SYNC) != 0) {
            throw new IllegalStateException("a pass applied " + stats.recordsReceived() + " of " + expected
                    + " records, refused " + stats.recordsRefusedFor(SyncStats.Source.SYNC));
        }
    }
}
