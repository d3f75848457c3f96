package dev.kubetracker.worker.cluster;

import dev.kubetracker.bench.TorrentModel;
import dev.kubetracker.bench.jmh.ThreadCpuProfiler;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.MinuteClock;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
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
 * What one change from a sibling costs a receiver, per record, from the datagram to the store: size and
 * magic checks, HMAC verify, replay guard, the well-formedness pass, parse and {@link SwarmStore#announce}
 * ({@link SyncReceiver#handle}); with {@code through=socket} also the receive syscall, the datagrams
 * waiting in a loopback socket as they would ({@link SyncReceiver#doWork}). Each invocation applies
 * {@link #PASS} full datagrams (46 IPv4 records each, as the sender packs them under load), the next
 * slice of a ring of {@link #RING} signed ones, to a store filled with the load generator's model (1M
 * peers over 100k torrents by default). {@code reannounce}: records of peers the store holds (the steady
 * state); {@code new-peer}: peers it does not hold, on the model's torrents (removed again, untimed,
 * before the next pass).
 *
 * <p>It lives in the cluster package to reach the package-private receiver without widening the worker's
 * API. Before each pass its datagrams get the current time and are signed again (untimed), and a fresh
 * receiver (so a fresh replay window) takes them, so none is stale or replayed: the teardown checks that
 * every record was applied. Run it with {@code -prof dev.kubetracker.bench.jmh.ThreadCpuProfiler} for the
 * CPU time beside the wall clock.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseSerialGC"})
public class SyncApplyBenchmark {
    /** Datagrams per invocation: as many as a loopback socket's default receive buffer holds. */
    static final int PASS = 64;
    static final int RING = 1024;
    static final int RECORDS_PER_DATAGRAM = SyncDatagram.MAX_RECORD_BYTES / SyncRecords.PEER4_RECORD_BYTES;
    static final int RECORDS_PER_PASS = PASS * RECORDS_PER_DATAGRAM;
    private static final long SENDER_ID = 0x5EED;
    private static final long RECEIVER_ID = 0xACE;
    private static final int NEW_PEER_ADDRESSES = 0x0A000000; // 10.0.0.0/8: never a model peer's address

    @Param({"reannounce", "new-peer"})
    String change;

    @Param({"bytes", "socket"})
    String through;

    @Param("100000")
    int torrents;

    @Param("1000000")
    int peers;

    private SwarmStore store;
    private ClusterKey key;
    private ClusterKey.Signer signer;
    private final ByteBuffer[] datagrams = new ByteBuffer[RING];
    private final Announce[] ringPeers = new Announce[RING * RECORDS_PER_DATAGRAM];
    private final AnnounceReply reply = new AnnounceReply(1);
    private long sentAt;
    private SyncStats stats;
    private SyncReceiver receiver;
    private DatagramChannel inbound;
    private DatagramChannel outbound;
    private int pass = -1;

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
        for (int i = 0; i < ringPeers.length; i++) {
            Announce a = new Announce();
            setModelPeer(a, model, random.nextInt(peers));
            if (newPeers) {
                a.address4 = NEW_PEER_ADDRESSES | i; // same torrent, an address the store has not seen
            }
            ringPeers[i] = a;
        }
        key = new ClusterKey(new byte[32]);
        signer = key.signer();
        sentAt = System.currentTimeMillis();
        ByteBuffer records = ByteBuffer.allocate(SyncDatagram.MAX_RECORD_BYTES);
        for (int d = 0; d < RING; d++) {
            records.clear();
            for (int r = 0; r < RECORDS_PER_DATAGRAM; r++) {
                SyncRecords.putChange(records, ringPeers[d * RECORDS_PER_DATAGRAM + r]);
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

    @Setup(Level.Trial)
    public void openSockets() throws IOException {
        if (through.equals("socket")) {
            inbound = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            inbound.configureBlocking(false);
            outbound = DatagramChannel.open().connect(inbound.getLocalAddress());
        }
    }

    @Setup(Level.Invocation)
    public void nextPass() throws IOException {
        if (pass >= 0 && change.equals("new-peer")) {
            int first = firstDatagram() * RECORDS_PER_DATAGRAM;
            for (int i = first; i < first + RECORDS_PER_PASS; i++) {
                Announce a = ringPeers[i];
                a.event = Announce.Event.STOPPED;
                store.announce(a, reply);
                a.event = Announce.Event.NONE;
            }
        }
        pass++;
        sentAt = System.currentTimeMillis(); // the receiver reads its own clock through the socket: keep them fresh
        for (int d = firstDatagram(); d < firstDatagram() + PASS; d++) {
            byte[] bytes = datagrams[d].array();
            int macAt = SyncDatagram.macOffset(datagrams[d].limit());
            datagrams[d].putLong(SyncDatagram.SENT_AT_OFFSET, sentAt);
            signer.sign(null, bytes, 0, macAt, bytes, macAt);
        }
        stats = new SyncStats();
        receiver = new SyncReceiver(inbound, store, key, RECEIVER_ID, stats);
        if (outbound != null) {
            for (int d = firstDatagram(); d < firstDatagram() + PASS; d++) {
                outbound.write(datagrams[d].duplicate());
            }
        }
    }

    private int firstDatagram() {
        return (pass * PASS) % RING;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS_PER_PASS)
    public void applyPass() throws IOException {
        long started = ThreadCpuProfiler.start();
        if (inbound == null) {
            for (int d = firstDatagram(); d < firstDatagram() + PASS; d++) {
                receiver.handle(datagrams[d], sentAt);
            }
        } else {
            for (int received = 0, calls = 0; received < PASS && calls < 2 * PASS; calls++) {
                received += receiver.doWork();
            }
        }
        ThreadCpuProfiler.stop(started, RECORDS_PER_PASS);
    }

    @TearDown(Level.Invocation)
    public void checkEveryRecordApplied() {
        long expected = RECORDS_PER_PASS;
        if (stats.recordsReceived() != expected || stats.recordsRefusedFor(SyncStats.Source.SYNC) != 0) {
            throw new IllegalStateException("a pass applied " + stats.recordsReceived() + " of " + expected
                    + " records, refused " + stats.recordsRefusedFor(SyncStats.Source.SYNC));
        }
    }

    @TearDown(Level.Trial)
    public void closeSockets() throws IOException {
        if (inbound != null) {
            inbound.close();
            outbound.close();
        }
    }
}
