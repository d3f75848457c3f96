package dev.kubetracker.bench.jmh;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.MinuteClock;
import dev.kubetracker.worker.swarm.PulledShard;
import dev.kubetracker.worker.swarm.ShardDigest;
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
 * What anti-entropy costs at a million peers (1024 shards, five peers a torrent): the digest mix every
 * peer change pays, reading every shard's digest (a digests answer without its MAC), and merging a
 * sibling's copy of one shard that holds the same peers (the merge of a pulled shard, without the
 * network), and the MAC of a frame that size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseSerialGC"})
public class AntiEntropyBenchmark {
    private static final int SHARDS = 1024;

    @Param("1000000")
    int peers;

    private SwarmStore store;
    private PulledShard[] copies;
    private int nextShard;
    private long counter;
    /** A frame the size of one shard's records at this scale (29 bytes an IPv4 peer), to MAC. */
    private byte[] frame;
    private javax.crypto.Mac mac;

    @Setup
    public void fill() {
        store = new SwarmStore(SHARDS, 45, MinuteClock.SYSTEM);
        Announce a = new Announce();
        AnnounceReply reply = new AnnounceReply(1);
        SplittableRandom random = new SplittableRandom(14);
        for (int p = 0; p < peers; p++) {
            long torrent = p / 5;
            a.clear();
            a.infoHash.set(torrent * 0x9E3779B97F4A7C15L, torrent, (int) torrent);
            a.address4 = random.nextInt();
            a.port = 1 + random.nextInt(65535);
            a.left = random.nextInt(3) == 0 ? 0 : 1;
            store.announce(a, reply);
        }
        frame = new byte[peers / SHARDS * 29];
        try {
            mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        copies = new PulledShard[SHARDS];
        for (int shard = 0; shard < SHARDS; shard++) {
            copies[shard] = copyOf(store, shard);
        }
    }

    /** A shard's peers as a sibling would send them, held in arrays so the merge alone is measured. */
    private static PulledShard copyOf(SwarmStore store, int shard) {
        int[] count = {0};
        store.forEachPeer(shard, (h, m, l, family, address4, high, low, port, flags, age) -> count[0]++);
        long[] hashHigh = new long[count[0]];
        long[] hashMiddle = new long[count[0]];
        int[] hashLow = new int[count[0]];
        int[] address = new int[count[0]];
        int[] portAndFlags = new int[count[0]];
        int[] n = {0};
        store.forEachPeer(shard, (h, m, l, family, address4, high, low, port, flags, age) -> {
            hashHigh[n[0]] = h;
            hashMiddle[n[0]] = m;
            hashLow[n[0]] = l;
            address[n[0]] = address4;
            portAndFlags[n[0]++] = port << 8 | flags;
        });
        return merge -> {
            for (int i = 0; i < hashHigh.length; i++) {
                merge.peer(hashHigh[i], hashMiddle[i], hashLow[i], 4, address[i], 0, 0, portAndFlags[i] >>> 8,
                        portAndFlags[i] & 0xFF, 0);
            }
        };
    }

    /** The mix one peer change pays (an add or a remove; a role change pays two). */
    @Benchmark
    public long digestMix() {
        long c = counter++;
        return ShardDigest.mix(c * 0x9E3779B97F4A7C15L, c, (int) c, 4, c & 0xFFFF_FFFFL, 0, (int) c & 0xFFFF,
                (c & 1) == 0);
    }

    /** Every shard's digest, each under its lock: what a digests answer reads. */
    @Benchmark
    public long allDigests() {
        long x = 0;
        for (int shard = 0; shard < SHARDS; shard++) {
            x ^= store.digest(shard);
        }
        return x;
    }

    /** The HMAC-SHA256 of one shard's frame, as each side computes once per pulled shard. */
    @Benchmark
    public byte[] macOneShardFrame() {
        mac.update(frame);
        return mac.doFinal();
    }

    /** A sibling's copy of one shard (about a thousand peers) merged into the same state. */
    @Benchmark
    public long mergeOneShard() {
        int shard = nextShard++ & (SHARDS - 1);
        return store.merge(shard, copies[shard]).added();
    }
}
