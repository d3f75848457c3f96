package dev.kubetracker.worker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real-client download script ({@code src/test/realclient/download_through_tracker.py}): a libtorrent
 * seeder and a second client that find each other only through the tracker. Its contract: exit status 0
 * and a line {@code OK <client> ...}; on failure it prints the clients' diagnostics, which end up in the
 * assertion message.
 */
public final class DownloadScript {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/realclient/download_through_tracker.py").toAbsolutePath();
    private static final int SCRIPT_TIMEOUT_SECONDS = 60;
    /** The script's own deadline plus its cleanup (closing the sessions, stopping the client). */
    private static final int PROCESS_TIMEOUT_SECONDS = SCRIPT_TIMEOUT_SECONDS + 30;

    private DownloadScript() {
    }

    /**
     * Skips (under {@code CI=true} fails) unless python3-libtorrent, mktorrent and the given clients are
     * installed; {@code clients} maps a Debian package to the program it installs.
     */
    public static void requireInstalled(Map<String, String> clients) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of(PYTHON))
                || new ProcessBuilder(PYTHON, "-c", "import libtorrent").start().waitFor() != 0) {
            missing.add("python3-libtorrent");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/mktorrent"))) {
            missing.add("mktorrent");
        }
        clients.forEach((debianPackage, program) -> {
            if (!Files.isExecutable(Path.of(program))) {
                missing.add(debianPackage);
            }
        });
        Prerequisites.require(missing.isEmpty(), "the real clients are not installed: apt-get install "
                + String.join(" ", missing) + " (.ci/run does)");
    }

    /**
     * Runs the script (after {@code prefix}, e.g. {@code ip netns exec <ns>}) with {@code arguments},
     * bounded, and asserts that {@code client} downloaded the file; {@code context} is added to a failure.
     */
    public static void assertDownloads(List<String> prefix, String client, List<String> arguments, String context)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(PYTHON, SCRIPT.toString(), "--client", client,
                "--timeout-s", Integer.toString(SCRIPT_TIMEOUT_SECONDS), "--size-mib", "4"));
        command.addAll(arguments);
        Path log = Files.createTempFile("realclient", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8) + context;
            assertTrue(finished, "the client script did not finish in time:\n" + output);
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.lines().anyMatch(l -> l.startsWith("OK " + client + " ")), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
