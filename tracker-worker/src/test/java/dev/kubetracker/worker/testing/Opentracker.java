package dev.kubetracker.worker.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian's opentracker on 127.0.0.1 and a free port (HTTP and UDP), to compare our answers with the
 * real thing. Debian builds it closed, so it serves only the whitelisted hashes. Missing opentracker
 * skips the test, or fails it under {@code CI=true} ({@link Prerequisites}).
 */
public final class Opentracker implements AutoCloseable {
    private static final String PROGRAM = "opentracker";

    public final int port;
    private final Path dir;
    private final Process process;

    private Opentracker(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Starts it serving {@code hashes} and returns once it answers {@code /stats}. */
    public static Opentracker start(byte[]... hashes) throws Exception {
        Prerequisites.require(TestNetwork.onPath(PROGRAM), "opentracker is not installed: apt-get install opentracker");
        Path dir = Files.createTempDirectory("opentracker", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        List<String> whitelist = new ArrayList<>();
        for (byte[] hash : hashes) {
            whitelist.add(InfoHashes.hex(hash));
        }
        Files.write(dir.resolve("whitelist.txt"), whitelist);
        int port = FreePorts.tcpAndUdp();
        // As root it chroots into -d and must drop to its own user; either way -w is read inside -d.
        List<String> command = new ArrayList<>(List.of(PROGRAM, "-i", "127.0.0.1", "-p", Integer.toString(port),
                "-P", Integer.toString(port), "-A", "127.0.0.1", "-d", dir.toString(), "-w", "whitelist.txt"));
        if (TestNetwork.isRoot()) {
            command.addAll(List.of("-u", "_opentracker"));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("opentracker.log").toFile()).start();
        Opentracker tracker = new Opentracker(port, dir, process);
        try {
            Await.until("opentracker answering on port " + port, Duration.ofSeconds(10), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("opentracker exited: " + Files.readString(dir.resolve("opentracker.log")));
                }
                try {
                    return RawHttp.get("127.0.0.1", port, "/stats?mode=version").status() == 200;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (Exception | AssertionError e) {
            tracker.close();
            throw e;
        }
        return tracker;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
