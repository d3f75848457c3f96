package dev.kubetracker.worker.realclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>On a developer machine without the clients the test is skipped; under CI ({@code CI=true}) a
 * missing client is a failure, because {@code .ci/run} installs them.
 */
@QuarkusTest
class RealClientDownloadTest {
    private static final Path SCRIPT = Path.of("src/test/realclient/download_through_tracker.py");
    private static final String PYTHON = "/usr/bin/python3";

    @ParameterizedTest(name = "{1} downloads from a libtorrent seeder over {0}")
    @CsvSource({
        "http://127.0.0.1:16969/announce, libtorrent",
        "udp://127.0.0.1:16969/announce, libtorrent",
        "http://127.0.0.1:16969/announce, aria2",
        "udp://127.0.0.1:16969/announce, aria2",
        "http://[::1]:16969/announce, libtorrent",
        "udp://[::1]:16969/announce, libtorrent",
    })
    void downloadCompletesWithMatchingChecksum(String tracker, String client) throws Exception {
        assumeClientsInstalled();
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

    private static void assumeClientsInstalled() throws IOException, InterruptedException {
        boolean installed = Files.isExecutable(Path.of(PYTHON))
                && new ProcessBuilder(PYTHON, "-c", "import libtorrent").start().waitFor() == 0
                && Files.isExecutable(Path.of("/usr/bin/aria2c"))
                && Files.isExecutable(Path.of("/usr/bin/mktorrent"));
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(installed, "CI must install python3-libtorrent, aria2 and mktorrent (.ci/run does)");
        }
        assumeTrue(installed, "python3-libtorrent, aria2 and mktorrent are not installed");
    }
}
