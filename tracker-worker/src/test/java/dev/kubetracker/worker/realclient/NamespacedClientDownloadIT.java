package dev.kubetracker.worker.realclient;

import dev.kubetracker.worker.testing.DownloadScript;
import dev.kubetracker.worker.testing.TestNetwork;
import dev.kubetracker.worker.testing.WorkerProcess;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transmission, qBittorrent and rtorrent (their own tracker code, or their own use of libtorrent) download
 * a file from a libtorrent seeder through the worker. They refuse peers on loopback, so everything runs
 * in network namespaces on one bridge ({@link TestNetwork}): the packaged worker in one, the seeder (the
 * script, {@link DownloadScript}) in another, the client in a third. The torrent is private with DHT,
 * PEX and local discovery off, so the client finds the seeder only through the tracker; the script
 * checks the file's SHA-256 and that the tracker's scrape knows both peers.
 *
 * <p>An integration test (failsafe) because the worker is the packaged jar, started inside its
 * namespace ({@link WorkerProcess#inNamespace}). The cells missing here are known not to work (README,
 * "Real clients"): UDP over IPv6 for Transmission and rtorrent.
 */
class NamespacedClientDownloadIT {
    private static final int MANAGEMENT_PORT = 9000; // the worker's namespace is its own
    private static final int CLIENT_PORT = 6969;

    private static TestNetwork network;
    private static TestNetwork.Host tracker;
    private static TestNetwork.Host seeder;
    private static TestNetwork.Host client;
    private static WorkerProcess worker;

    @BeforeAll
    static void startTheWorkerInItsNamespace() throws Exception {
        DownloadScript.requireInstalled(Map.of(
                "transmission-daemon", "/usr/bin/transmission-daemon",
                "qbittorrent-nox", "/usr/bin/qbittorrent-nox",
                "rtorrent", "/usr/bin/rtorrent"));
        network = TestNetwork.create();
        tracker = network.addHost();
        seeder = network.addHost();
        client = network.addHost();
        worker = new WorkerProcess("realclient-tracker", MANAGEMENT_PORT, Map.of(
                "tracker.http.port", Integer.toString(CLIENT_PORT),
                "tracker.udp.port", Integer.toString(CLIENT_PORT),
                "tracker.udp.sockets", "1"))
                .inNamespace(tracker).start();
        worker.awaitReady(60_000);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try (TestNetwork n = network; WorkerProcess w = worker) {
            // closes the worker, then the namespaces (and whatever still runs in them)
        }
    }

    @ParameterizedTest(name = "{2} downloads from a libtorrent seeder over {0} on {1}")
    @CsvSource({
        "http, IPv4, transmission",
        "udp, IPv4, transmission",
        "http, IPv6, transmission",
        "http, IPv4, qbittorrent",
        "udp, IPv4, qbittorrent",
        "http, IPv6, qbittorrent",
        "udp, IPv6, qbittorrent",
        "http, IPv4, rtorrent",
        "udp, IPv4, rtorrent",
        "http, IPv6, rtorrent",
    })
    void downloadCompletesThroughTheTrackerWithMatchingChecksum(String scheme, String family, String clientName)
            throws Exception {
        boolean v6 = family.equals("IPv6");
        String trackerHost = v6 ? "[" + tracker.ipv6() + "]" : tracker.ipv4();
        DownloadScript.assertDownloads(seeder.command(), clientName, List.of(
                "--tracker", scheme + "://" + trackerHost + ":" + CLIENT_PORT + "/announce",
                "--seed-host", v6 ? seeder.ipv6() : seeder.ipv4(),
                "--client-netns", client.namespace(),
                "--client-host", v6 ? client.ipv6() : client.ipv4()),
                "\ntracker log: " + worker.log());
    }
}
