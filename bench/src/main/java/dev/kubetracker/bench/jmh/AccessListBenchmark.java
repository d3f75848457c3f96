package dev.kubetracker.bench.jmh;

import dev.kubetracker.worker.access.AccessListFile;
import java.nio.charset.StandardCharsets;
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
 * Loading an access list of a million hashes, as a reload does (parse, sort, pack), from the bytes of
 * a 41 MB file. Single shots without warm-up in a fresh JVM: the first shot is the cold start-up load,
 * the later ones what a reload costs once the code is compiled.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class AccessListBenchmark {
    @Param("1000000")
    int entries;

    private byte[] file;

    @Setup
    public void writeList() {
        SplittableRandom random = new SplittableRandom(1);
        StringBuilder text = new StringBuilder(entries * 41);
        for (int i = 0; i < entries; i++) {
            text.append(String.format("%016x%016x%08x%n", random.nextLong(), random.nextLong(), random.nextInt()));
        }
        file = text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public int parse() {
        return AccessListFile.parse(file).hashes().size();
    }
}
