package dev.kubetracker.worker.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Await;
import dev.kubetracker.worker.testing.InfoHashes;
import dev.kubetracker.worker.testing.Prerequisites;
import dev.kubetracker.worker.testing.PrometheusText;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.TestWorker;
import dev.kubetracker.worker.testing.UdpClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The status page in Debian's headless Chromium over a worker under load: the numbers the page shows
 * lie between two reads of {@code /q/metrics} taken before and after it rendered (every one of them only
 * grows under this load), and the page takes a screenshot of a fixed size ({@code
 * target/status-page.png}, the one in {@code docs/}).
 */
@QuarkusTest
class StatusPageChromiumTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int MAX_LOAD_ANNOUNCES = 200_000;
    private static final Duration MAX_LOAD_TIME = Duration.ofSeconds(90);

    @Test
    void pageShowsTheMetricsOfAWorkerUnderLoad() throws Exception {
        Prerequisites.require(Files.isExecutable(CHROMIUM), "chromium is not installed: apt-get install chromium");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicReference<Exception> loadFailure = new AtomicReference<>();
        Thread load = new Thread(() -> announceUntilStopped(stop, sent, loadFailure), "status-page-load");
        load.start();
        try {
            Await.until("the load has begun", Duration.ofSeconds(30), () -> {
                if (loadFailure.get() != null) {
                    throw loadFailure.get();
                }
                return sent.get() > 500;
            });
            String before = TestWorker.metrics();
            String dom = chromium("--dump-dom", "--virtual-time-budget=5000", url());
            String after = TestWorker.metrics();

            assertTrue(dom.contains("data-state=\"ready\""), "the page loaded its data:\n" + dom);
            assertEquals(4, Pattern.compile("class=\"uplot[ \"]").matcher(dom).results().count(),
                    "four charts drawn:\n" + dom);
            assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(dom).find(),
                    "nothing loaded from elsewhere:\n" + dom);
            assertBetween(dom, "http-announces", before, after, "tracker_announces_total", "protocol=\"http\"");
            assertBetween(dom, "udp-announces", before, after, "tracker_announces_total", "protocol=\"udp\"");
            assertBetween(dom, "refusals", before, after, "tracker_errors_total", "");
            assertBetween(dom, "torrents", before, after, "tracker_torrents", "");
            assertBetween(dom, "seeders", before, after, "tracker_peers", "role=\"seeder\"");
            assertBetween(dom, "leechers", before, after, "tracker_peers", "role=\"leecher\"");
            assertEquals("standalone", shown(dom, "siblings"));

            Path png = Path.of("target/status-page.png").toAbsolutePath();
            Files.deleteIfExists(png);
            chromium("--screenshot=" + png, "--window-size=1200,760", "--hide-scrollbars",
                    "--virtual-time-budget=5000", url());
            assertTrue(Files.size(png) > 0, "a screenshot");
        } finally {
            stop.set(true);
            load.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (loadFailure.get() != null) {
            throw loadFailure.get();
        }
    }

    private static String url() {
        return "http://127.0.0.1:" + TestWorker.managementPort() + StatusPage.PATH;
    }

    /**
     * New peers on 50 torrents (a new port each, seeders and leechers alternately, so no count ever
     * falls), over UDP and every fourth over HTTP, and every tenth UDP announce refused for its port 0.
     */
    private static void announceUntilStopped(AtomicBoolean stop, AtomicLong sent, AtomicReference<Exception> failure) {
        long deadline = System.nanoTime() + MAX_LOAD_TIME.toNanos();
        try (UdpClient udp = new UdpClient("127.0.0.1", TestWorker.clientPort())) {
            long connectionId = udp.connect();
            for (int i = 0; i < MAX_LOAD_ANNOUNCES && !stop.get() && System.nanoTime() < deadline; i++) {
                byte[] hash = InfoHashes.random(7_000 + i % 50);
                int port = 1024 + i % 60_000;
                long left = i % 2 == 0 ? 0 : 100;
                if (i % 4 == 0) {
                    RawHttp.get("127.0.0.1", TestWorker.clientPort(), "/announce?info_hash="
                            + RawHttp.percentEncode(hash) + "&peer_id=-KT0001-abcdefghijkl&port=" + port
                            + "&uploaded=0&downloaded=0&left=" + left + "&compact=1");
                } else {
                    udp.announce(connectionId, hash, 2, left, 10, i % 10 == 1 ? 0 : port);
                }
                sent.incrementAndGet();
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    private static void assertBetween(String dom, String id, String before, String after, String metric,
                                      String labels) {
        long shown = Long.parseLong(shown(dom, id));
        long low = (long) PrometheusText.sum(before, metric, labels);
        long high = (long) PrometheusText.sum(after, metric, labels);
        assertTrue(low <= shown && shown <= high,
                id + ": the page shows " + shown + ", /q/metrics said " + low + " before and " + high + " after");
    }

    private static String shown(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\">([^<]*)<").matcher(dom);
        assertTrue(m.find(), "no element " + id + " in the page:\n" + dom);
        return m.group(1);
    }

    /** Runs headless Chromium on a profile of its own (deleted after) and returns what it printed. */
    private static String chromium(String... arguments) throws Exception {
        Path profile = Files.createTempDirectory("status-page-chromium");
        try {
            List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile));
            command.addAll(List.of(arguments));
            Path output = profile.resolve("stdout");
            Process p = new ProcessBuilder(command).redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("chromium did not finish in 60 s: " + command);
            }
            assertEquals(0, p.exitValue(), "chromium's exit status: " + command);
            return Files.readString(output, StandardCharsets.UTF_8);
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
