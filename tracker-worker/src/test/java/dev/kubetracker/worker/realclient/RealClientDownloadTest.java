package dev.kubetracker.worker.realclient;

import dev.kubetracker.worker.testing.DownloadScript;
import dev.kubetracker.worker.testing.TestWorker;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real BitTorrent clients from Debian (libtorrent's Python binding and aria2) move a file through the
 * running worker on loopback: a libtorrent seeder and a second client find each other only through the
 * tracker (private torrent; DHT, PEX and local discovery off), and the downloaded file's SHA-256 must
 * match. The script in {@code src/test/realclient} does the client side ({@link DownloadScript}); this
 * test supplies the tracker. The clients that refuse loopback peers run in {@link NamespacedClientDownloadIT}.
 *
 * <p>Without the clients the test is skipped, or fails under {@code CI=true}: {@code .ci/run} installs them.
 */
@QuarkusTest
class RealClientDownloadTest {

    @ParameterizedTest(name = "{2} downloads from a libtorrent seeder over {0} to {1}")
    @CsvSource({
        "http, 127.0.0.1, libtorrent",
        "udp, 127.0.0.1, libtorrent",
        "http, 127.0.0.1, aria2",
        "udp, 127.0.0.1, aria2",
        "http, [::1], libtorrent",
        "udp, [::1], libtorrent",
        "http, [::1], aria2",
    })
    void downloadCompletesWithMatchingChecksum(String scheme, String host, String client) throws Exception {
        DownloadScript.requireInstalled(Map.of("aria2", "/usr/bin/aria2c"));
        String tracker = scheme + "://" + host + ":" + TestWorker.clientPort() + "/announce";
        DownloadScript.assertDownloads(List.of(), client, List.of("--tracker", tracker), "");
    }
}
