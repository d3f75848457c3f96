package dev.kubetracker.bench.jmh;

import dev.kubetracker.bench.TorrentModel;
import dev.kubetracker.bench.UdpCodec;
import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.protocol.http.QueryParser;
import dev.kubetracker.worker.protocol.udp.ConnectionIds;
import dev.kubetracker.worker.protocol.udp.UdpRequestHandler;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.MinuteClock;
import dev.kubetracker.worker.swarm.SwarmStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request codecs without sockets: a whole BEP 15 announce or connect through the worker's
 * {@link UdpRequestHandler} (decode, store, encode the reply), connection ids alone, the HTTP query parser,
 * and {@link InetAddress#getAddress()} (the frontend calls it per datagram; it copies the address).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseSerialGC"})
public class CodecBenchmark {
    private static final int REQUESTS = 4096;

    private UdpRequestHandler handler;
    private ConnectionIds connectionIds;
    private final ClientAddress client = new ClientAddress();
    private ByteBuf[] announces;
    private ByteBuf connect;
    private ByteBuf out;
    private InetAddress address;
    private final QueryParser parser = new QueryParser();
    private final String query = "/announce?info_hash=%AAj%8B%8Cawq%7C%18%F2W%03%E37%A71%B7B%FA%5C"
            + "&peer_id=-qB4630-k8hj0wgej6ch&port=6881&uploaded=0&downloaded=0&left=1048576&corrupt=0"
            + "&key=4E2B7F1A&event=started&numwant=30&compact=1&no_peer_id=1&supportcrypto=1&redundant=0";
    /** The target as the server hands it over: raw bytes. */
    private final byte[] queryBytes = query.getBytes(StandardCharsets.ISO_8859_1);
    private final SplittableRandom random = new SplittableRandom(3);

    @Setup
    public void setUp() throws UnknownHostException {
        SwarmStore store = new SwarmStore(1024, 45, MinuteClock.SYSTEM);
        connectionIds = new ConnectionIds(ConnectionIds.randomKey(), 10, MinuteClock.SYSTEM);
        RequestCounters counters = new RequestCounters();
        TrackerLogic logic = new TrackerLogic(store, AccessList.off(), new AnnouncePolicy(1800, 900, 50, 200),
                ChangeLog.NONE, new RandomPeers(0, 0, 1024, 65535), counters);
        handler = new UdpRequestHandler(logic, connectionIds, counters);
        address = InetAddress.getByAddress(new byte[] {127, 1, 1, 1});
        client.set(address);
        long cid = connectionIds.issue(client);

        // Requests of the load generator's model, over a store that already holds their peers.
        TorrentModel model = new TorrentModel(100_000, 200_000, 64, 1.0, 0.75, 42);
        ByteBuffer encoded = ByteBuffer.allocate(128);
        byte[] hash = new byte[20];
        out = PooledByteBufAllocator.DEFAULT.directBuffer(1500);
        announces = new ByteBuf[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            int peer = random.nextInt(model.peers());
            model.infoHash(model.torrentOf(peer), hash, 0);
            UdpCodec.announce(encoded, cid, i + 1, hash, 0, peer, model.isSeeder(peer), 30, model.portOf(peer));
            announces[i] = PooledByteBufAllocator.DEFAULT.directBuffer(128).writeBytes(encoded);
        }
        for (int p = 0; p < model.peers(); p++) {
            model.infoHash(model.torrentOf(p), hash, 0);
            UdpCodec.announce(encoded, cid, 1, hash, 0, p, model.isSeeder(p), 0, model.portOf(p));
            ByteBuf in = PooledByteBufAllocator.DEFAULT.heapBuffer(128).writeBytes(encoded);
            out.clear();
            handler.handle(in, client, out);
            in.release();
        }
        UdpCodec.connect(encoded, 99);
        connect = PooledByteBufAllocator.DEFAULT.directBuffer(16).writeBytes(encoded);
    }

    @TearDown
    public void release() {
        for (ByteBuf b : announces) {
            b.release();
        }
        connect.release();
        out.release();
    }

    @Benchmark
    public int udpAnnounce() {
        ByteBuf in = announces[random.nextInt(REQUESTS)];
        out.clear();
        handler.handle(in, client, out);
        return out.writerIndex();
    }

    @Benchmark
    public int udpConnect() {
        out.clear();
        handler.handle(connect, client, out);
        return out.writerIndex();
    }

    @Benchmark
    public boolean connectionIdIssueAndCheck() {
        return connectionIds.isValid(connectionIds.issue(client), client);
    }

    /** What the UDP frontend pays per datagram to learn the sender's address (a fresh byte[]). */
    @Benchmark
    public int clientAddressFromInetAddress() {
        client.set(address);
        return client.v4;
    }

    @Benchmark
    public long httpQueryParse() {
        parser.reset(queryBytes, queryBytes.length);
        long sum = 0;
        while (parser.next()) {
            sum += parser.valueLength();
        }
        return sum;
    }
}
