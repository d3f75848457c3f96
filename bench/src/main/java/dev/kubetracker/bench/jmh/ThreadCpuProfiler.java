package dev.kubetracker.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A secondary result beside the wall-clock score: the benchmark threads' own CPU time per operation. On a
 * shared machine the wall clock also counts the time other processes hold the core; a thread's CPU time
 * does not. Benchmarks opt in by calling {@link #start()} and {@link #stop} around their work (reading
 * the clock costs about a microsecond, so only around invocations of a millisecond or more); the figure
 * appears as {@code ·cpu} with {@code jmh -prof dev.kubetracker.bench.jmh.ThreadCpuProfiler}.
 */
public final class ThreadCpuProfiler implements InternalProfiler {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final LongAdder CPU_NANOS = new LongAdder();
    private static final LongAdder OPS = new LongAdder();

    public static long start() {
        return THREADS.getCurrentThreadCpuTime();
    }

    public static void stop(long started, int operations) {
        CPU_NANOS.add(THREADS.getCurrentThreadCpuTime() - started);
        OPS.add(operations);
    }

    @Override
    public String getDescription() {
        return "CPU time of the benchmark threads per operation, for benchmarks that call ThreadCpuProfiler.start/stop";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        CPU_NANOS.reset();
        OPS.reset();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration,
                                                       IterationResult result) {
        long ops = OPS.sum();
        if (ops == 0) {
            return List.of();
        }
        return List.of(new ScalarResult("cpu", (double) CPU_NANOS.sum() / ops, "ns/op", AggregationPolicy.AVG));
    }
}
