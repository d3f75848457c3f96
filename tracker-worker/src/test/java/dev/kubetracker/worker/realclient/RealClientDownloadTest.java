package dev.kubetracker.worker.realclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Prerequisites;
import dev.kubetracker.worker.testing.TestWorker;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real BitTorrent clients from Debian (libtorrent's Python binding and aria2) move a file through the
 * running worker: a libtorrent seeder and a second client find each other only through the tracker
 * (private torrent; DHT, PEX and local discovery off), and the downloaded file's SHA-256 must match.
 * The script in {@code src/test/realclient} does the client side; this test supplies the tracker.
 *
 * <p>Without the clients the test is skipped, or fails under {@code CI=true} ({@link Prerequisites}):
 * {@code .ci/run} installs them.
 */
@QuarkusTest
class RealClientDownloadTest {
    private static final Path SCRIPT = Path.of("src/test/realclient/download_through_tracker.py");
    private static final String PYTHON = "/usr/bin/python3";

    @ParameterizedTest(name = "{2} downloads from a libtorrent seeder over {0} to {1}")
    @CsvSource({
        "http, 127.0.0.1, libtorrent",
        "udp, 127.0.0.1, libtorrent",
        "http, 127.0.0.1, aria2",
        "udp, 127.0.0.1, aria2",
        "http, [::1], libtorrent",
        "udp, [::1], libtorrent",
    })
    void downloadCompletesWithMatchingChecksum(String scheme, String host, String client) throws Exception {
        requireClientsInstalled();
        String tracker = scheme + "://" + host + ":" + TestWorker.clientPort() + "/announce";
        Path log = Files.createTempFile("realclient", ".log");
        Process process = new ProcessBuilder(List.of(PYTHON, SCRIPT.toString(), "--tracker", tracker,
                "--client", client, "--timeout-s", "90", "--size-mib", "4"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = process.waitFor(150, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(finished, "the client script did not finish in time:\n" + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.lines().anyMatch(l -> l.startsWith("OK " + client + " ")), output);
    }

    private static void requireClientsInstalled() throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of(PYTHON))
                || new ProcessBuilder(PYTHON, "-c", "import libtorrent").start().waitFor() != 0) {
            missing.add("python3-libtorrent");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/aria2c"))) {
            missing.add("aria2");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/mktorrent"))) {
            missing.add("mktorrent");
        }
        Prerequisites.require(missing.isEmpty(), "the real clients are not installed: apt-get install "
                + String.join(" ", missing) + " (.ci/run does)");
    }
}
