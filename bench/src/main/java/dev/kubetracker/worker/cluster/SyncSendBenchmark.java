package dev.kubetracker.worker.cluster;

import dev.kubetracker.bench.jmh.ThreadCpuProfiler;
import dev.kubetracker.worker.swarm.Announce;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * What sending one change costs, per change, as a function of the sibling count: the frontend's
 * {@link SyncOutbox#record} and the sender's drain, packing, HMAC per datagram (amortised over its 46
 * records) and one real UDP send per sibling to loopback sockets (the syscall and the kernel's loopback
 * delivery, which runs in the sender's context). Each invocation queues {@link SyncSender#BATCH} changes
 * and runs the sender once, {@link #ROUNDS} times, as the sender runs under load: full datagrams. A fit of
 * the score against the sibling count gives the fixed part and the part per sibling.
 *
 * <p>Nobody reads the sibling sockets: once a socket's receive buffer is full the kernel drops the
 * datagram at the last step of delivery, so the figure is a little lower than a send into a drained
 * socket (the cross-check with real workers in bench/RESULTS.md covers that). It lives in the cluster
 * package to reach the package-private sender without widening the worker's API.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-XX:+UseSerialGC"})
public class SyncSendBenchmark {
    private static final int CHANGES = 4096;
    /** Sender runs per invocation: enough work (about a millisecond) that reading the CPU clock is noise. */
    private static final int ROUNDS = 8;

    @Param({"1", "2", "4", "8", "16"})
    int siblings;

    private final List<DatagramChannel> siblingSockets = new ArrayList<>();
    private final Announce[] changes = new Announce[CHANGES];
    private SyncOutbox outbox;
    private SyncSender sender;
    private SyncStats stats;
    private int next;

    @Setup
    public void open() throws IOException {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < siblings; i++) {
            DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            siblingSockets.add(socket);
            addresses.add("127.0.0.1:" + ((InetSocketAddress) socket.getLocalAddress()).getPort());
        }
        // Bound to port 0: no sibling is taken for this worker itself.
        Membership membership = new Membership(addresses, Optional.empty(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), HostLookup.jdk()); // literals only
        membership.refresh();
        if (membership.siblings().size() != siblings) {
            throw new IllegalStateException("expected " + siblings + " siblings, got " + membership.siblings());
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < CHANGES; i++) {
            Announce a = new Announce();
            a.infoHash.set(random.nextLong(), random.nextLong(), random.nextInt());
            a.family = 4;
            a.address4 = 0x7F010000 | random.nextInt(1 << 16);
            a.port = 1 + random.nextInt(65535);
            a.left = random.nextBoolean() ? 0 : 1;
            changes[i] = a;
        }
        outbox = new SyncOutbox(2 * SyncSender.BATCH);
        stats = new SyncStats();
        sender = new SyncSender(outbox, membership, new ClusterKey(new byte[32]), 1, stats);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS * SyncSender.BATCH)
    public int recordAndSend() {
        long started = ThreadCpuProfiler.start();
        int sent = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < SyncSender.BATCH; i++) {
                outbox.record(changes[next]);
                next = (next + 1) & (CHANGES - 1);
            }
            sent += sender.doWork();
        }
        ThreadCpuProfiler.stop(started, ROUNDS * SyncSender.BATCH);
        return sent;
    }

    @TearDown
    public void close() throws IOException {
        sender.onClose();
        for (DatagramChannel socket : siblingSockets) {
            socket.close();
        }
        if (stats.sendErrors() != 0 || outbox.dropped() != 0) {
            throw new IllegalStateException(stats.sendErrors() + " send errors, " + outbox.dropped() + " changes dropped");
        }
    }
}
