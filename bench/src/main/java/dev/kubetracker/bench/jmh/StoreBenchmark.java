package dev.kubetracker.bench.jmh;

import dev.kubetracker.bench.TorrentModel;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.MinuteClock;
import dev.kubetracker.worker.swarm.ScrapeCounts;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The swarm store without the network: re-announces of known peers (the steady state of a tracker) and
 * scrapes, over the load generator's torrent model, on a store filled with every peer once.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseSerialGC"})
public class StoreBenchmark {
    @Param("1000000")
    int torrents;

    @Param("1000000")
    int peers;

    @Param("30")
    int numwant;

    private TorrentModel model;
    private SwarmStore store;
    private final Announce announce = new Announce();
    private final AnnounceReply reply = new AnnounceReply(200);
    private final ScrapeCounts counts = new ScrapeCounts();
    private final SplittableRandom random = new SplittableRandom(7);

    @Setup
    public void fill() {
        model = new TorrentModel(torrents, peers, Math.max(64, TorrentModel.minimumSources(peers)), 1.0, 0.75, 42);
        store = new SwarmStore(1024, 45, MinuteClock.SYSTEM);
        for (int p = 0; p < peers; p++) {
            announce(p);
        }
    }

    private void announce(int peer) {
        Announce a = announce;
        a.clear();
        int rank = model.torrentOf(peer);
        a.infoHash.set(model.hashHigh(rank), model.hashMiddle(rank), model.hashLow(rank));
        a.family = 4;
        a.address4 = 0x7F010000 | model.sourceOf(peer);
        a.port = model.portOf(peer);
        a.left = model.isSeeder(peer) ? 0 : 1 << 20;
        a.numwant = numwant;
        store.announce(a, reply);
    }

    /** A known peer announces again and gets numwant peers: the common case. */
    @Benchmark
    public int reannounce() {
        announce(random.nextInt(peers));
        return reply.peers4Count;
    }

    @Benchmark
    public int scrape() {
        int rank = model.torrentOf(random.nextInt(peers));
        store.scrape(model.hashHigh(rank), model.hashMiddle(rank), model.hashLow(rank), counts);
        return counts.seeders;
    }

    /** The cost of picking the request alone, to subtract from the two above. */
    @Benchmark
    public long modelOnly() {
        int peer = random.nextInt(peers);
        int rank = model.torrentOf(peer);
        return model.hashHigh(rank) ^ model.hashMiddle(rank) ^ model.hashLow(rank) ^ model.portOf(peer);
    }
}
