package dev.kubetracker.worker.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.net.TrustedProxies;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.stats.TrackerStats;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.testing.Await;
import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.InfoHashes;
import dev.kubetracker.worker.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.x connection handling of the client port, on a frontend bound to a free loopback port
 * with a one-second idle timeout: keep-alive, pipelining, HTTP/1.0, split requests, limits, bodies,
 * idle and half-sent requests, and streamed replies.
 */
class HttpConnectionSocketTest {
    /** Each test announces its own torrent, chosen by the port's low byte. */
    private static String hash(int peerPort) {
        return RawHttp.percentEncode(InfoHashes.random(peerPort & 0xFF));
    }
    private static final FullScrapeSlots SLOTS = new FullScrapeSlots(4);
    private static ExecutorService statsExecutor;
    private static HttpFrontend frontend;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        SwarmStore store = new SwarmStore(16, 45, () -> 1000);
        RequestCounters counters = new RequestCounters();
        statsExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1));
        frontend = HttpFrontend.bind(new HttpFrontend.Settings("127.0.0.1", 0, 1, 4096, Duration.ofSeconds(1)),
                () -> new HttpRequestRouter(new TrackerLogic(store, AccessList.off(), new AnnouncePolicy(1800, 900, 50, 200),
                                ChangeLog.NONE, new RandomPeers(0, 0, 1024, 65535), counters), 64, counters,
                        new TrackerStats(store, counters, "test", 1), new TrustedProxies(List.of()), SLOTS,
                        statsExecutor));
        port = frontend.port();
    }

    @AfterAll
    static void stop() {
        frontend.close();
        statsExecutor.shutdownNow();
    }

    private static String announce(int peerPort) {
        return "GET /announce?info_hash=" + hash(peerPort) + "&port=" + peerPort + "&left=0 HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void keepAliveServesPipelinedAndSplitRequestsInOrder() throws Exception {
        try (Socket socket = connect()) {
            send(socket, announce(7001) + "GET /scrape?info_hash=" + hash(7001) + " HTTP/1.1\r\nHost: t\r\n\r\n");
            String third = announce(7001 + 256); // the same torrent
            send(socket, third.substring(0, 20));
            // Pauses make the pieces likely to arrive as separate reads; were they merged, the test would
            // prove less, never fail wrongly.
            Thread.sleep(100);
            send(socket, third.substring(20, third.length() - 3));
            Thread.sleep(100);
            send(socket, third.substring(third.length() - 3));

            InputStream in = socket.getInputStream();
            Reply first = Reply.read(in);
            assertEquals(200, first.status);
            assertNull(first.header("connection"), "HTTP/1.1 keeps the connection without saying so");
            assertTrue(Bencode.dict(first.body).containsKey("peers"));
            Reply second = Reply.read(in);
            assertTrue(Bencode.dict(second.body).containsKey("files"), "the scrape comes second");
            Reply last = Reply.read(in);
            Map<String, Object> reply = Bencode.dict(last.body);
            assertEquals(6, ((byte[]) reply.get("peers")).length, "the peer of the first announce, 127.0.0.1:7001");
        }
    }

    @Test
    void aStrayBlankLineBeforeARequestSentInPiecesIsSkipped() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "\r\n\r\n"); // a blank line that looks like the end of a head, and is not
            Thread.sleep(100);
            String request = announce(7011);
            send(socket, request.substring(0, 30));
            Thread.sleep(100);
            send(socket, request.substring(30));
            Reply reply = Reply.read(socket.getInputStream());
            assertEquals(200, reply.status);
            assertTrue(Bencode.dict(reply.body).containsKey("peers"));
        }
    }

    @Test
    void http10ClosesUnlessTheClientAsksToKeepTheConnection() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /announce?info_hash=" + hash(7003) + "&port=7003 HTTP/1.0\r\n\r\n");
            InputStream in = socket.getInputStream();
            Reply reply = Reply.read(in);
            assertEquals(200, reply.status);
            assertEquals("close", reply.header("connection"));
            assertEquals(-1, in.read(), "closed after the reply");
        }
        try (Socket socket = connect()) {
            String request = "GET /announce?info_hash=" + hash(7003) + "&port=7003 HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
            send(socket, request);
            InputStream in = socket.getInputStream();
            assertEquals("keep-alive", Reply.read(in).header("connection"));
            send(socket, request);
            assertEquals(200, Reply.read(in).status, "the same connection serves a second request");
        }
    }

    @Test
    void brokenRequestsGetAnErrorAndTheConnectionCloses() throws Exception {
        assertRefused("GARBAGE\r\n\r\n", 400, "malformed HTTP request");
        assertRefused("GET /announce HTTP/2.0\r\n\r\n", 505, "only HTTP/1.0 and HTTP/1.1 are supported");
        assertRefused("GET /announce HTTP/1.1\r\n folded: header\r\n\r\n", 400, "malformed HTTP request");
        assertRefused("GET /announce HTTP/1.1\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n", 431,
                "request headers too large");
        assertRefused("GET /announce?" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n", 414, "request line too long");
        assertRefused("HEAD /announce HTTP/1.1\r\n\r\n", 405, "only GET is supported");
        // no line end at all: refused once more bytes have come than any request head may have
        assertRefused("GET /announce?" + "a".repeat(13_000), 414, "request line too long");
    }

    private static void assertRefused(String request, int status, String reason) throws IOException {
        try (Socket socket = connect()) {
            send(socket, request);
            InputStream in = socket.getInputStream();
            Reply reply = Reply.read(in);
            assertEquals(status, reply.status, request.substring(0, Math.min(40, request.length())));
            assertEquals("d14:failure reason" + reason.length() + ":" + reason + "e",
                    new String(reply.body, StandardCharsets.ISO_8859_1));
            assertEquals("close", reply.header("connection"));
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aRequestWithABodyIsAnsweredThenTheConnectionCloses() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /announce?info_hash=" + hash(7004) + "&port=7004 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
            InputStream in = socket.getInputStream();
            Reply reply = Reply.read(in);
            assertEquals(200, reply.status);
            assertEquals("close", reply.header("connection"));
            assertEquals(-1, in.read(), "the body is never read as a next request");
        }
    }

    @Test
    void idleAndHalfSentConnectionsAreClosed() throws Exception {
        try (Socket idle = connect(); Socket halfSent = connect()) {
            send(halfSent, "GET /announce?info_hash=" + hash(7006));
            // The tracker closes them (one-second idle timeout): -1, where the test's own 10 s read
            // timeout would throw instead.
            assertEquals(-1, idle.getInputStream().read(), "closed without a reply");
            assertEquals(-1, halfSent.getInputStream().read(), "a request that never ends does not hold the connection");
        }
    }

    @Test
    void requestsBehindAStreamedFullScrapeWaitTheirTurn() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /scrape HTTP/1.1\r\n\r\n" + announce(7005));
            InputStream in = socket.getInputStream();
            Reply scrape = Reply.read(in);
            assertEquals("chunked", scrape.header("transfer-encoding"));
            assertTrue(Bencode.dict(scrape.body).containsKey("files"));
            assertTrue(Bencode.dict(Reply.read(in).body).containsKey("peers"), "then the announce");
        }
    }

    @Test
    void aFullScrapeOverHttp10EndsWithTheConnection() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /scrape HTTP/1.0\r\n\r\n");
            byte[] raw = socket.getInputStream().readAllBytes();
            RawHttp.Response response = RawHttp.parse(raw);
            assertEquals(200, response.status());
            assertNull(response.header("Transfer-Encoding"), "HTTP/1.0 has no chunks");
            assertEquals("close", response.header("Connection"));
            assertTrue(Bencode.dict(response.body()).containsKey("files"));
        }
    }

    @Test
    void aFifthConcurrentFullScrapeIsToldToComeBackLater() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertTrue(SLOTS.tryAcquire());
        }
        try (Socket socket = connect()) {
            send(socket, "GET /scrape HTTP/1.1\r\n\r\n");
            Reply reply = Reply.read(socket.getInputStream());
            assertEquals(503, reply.status);
            assertEquals("30", reply.header("retry-after"));
        } finally {
            for (int i = 0; i < 4; i++) {
                SLOTS.release();
            }
        }
    }

    @Test
    void aClientThatPipelinesWithoutReadingGetsEveryReplyInOrderAsItReads() throws Exception {
        int requests = 20_000; // ~3 MB of replies: more than the socket buffers hold, so the tracker must wait
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024); // before connecting, so the window is small from the start
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            Thread writer = new Thread(() -> {
                try {
                    StringBuilder burst = new StringBuilder();
                    for (int i = 0; i < requests; i++) {
                        burst.append(i % 2 == 0 ? "GET /nowhere HTTP/1.1\r\n\r\n" : "GET /stats/x HTTP/1.1\n\n");
                    }
                    send(socket, burst.toString());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            // Let the replies back up before reading any: 32 KiB of them wait unread in our socket buffer.
            InputStream unbuffered = socket.getInputStream();
            Await.until("replies backing up unread", Duration.ofSeconds(10), () -> unbuffered.available() >= 32 * 1024);
            // Buffered: the tracker has written its last reply long before a byte-by-byte reader would
            // finish, and would close the connection as idle (one second here) before the last request.
            InputStream in = new java.io.BufferedInputStream(unbuffered, 64 * 1024);
            for (int i = 0; i < requests; i++) {
                assertEquals(404, Reply.read(in).status, "reply " + i);
            }
            writer.join(10_000);
            send(socket, announce(7007));
            assertTrue(Bencode.dict(Reply.read(in).body).containsKey("peers"), "and the connection still serves");
        }
    }

    @Test
    void pipelinedFullScrapesAreAnsweredOneAfterAnother() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /scrape HTTP/1.1\r\n\r\n".repeat(200) + announce(7008));
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 200; i++) {
                Reply scrape = Reply.read(in);
                assertEquals("chunked", scrape.header("transfer-encoding"), "scrape " + i);
                assertTrue(Bencode.dict(scrape.body).containsKey("files"));
            }
            assertTrue(Bencode.dict(Reply.read(in).body).containsKey("peers"));
        }
    }

    @Test
    void aClientThatShutsItsSendingSideStillGetsItsReplies() throws Exception {
        try (Socket socket = connect()) {
            send(socket, announce(7009) + "GET /stats?mode=peer HTTP/1.1\r\n\r\n");
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            assertTrue(Bencode.dict(Reply.read(in).body).containsKey("peers"));
            Reply stats = Reply.read(in);
            assertEquals(200, stats.status);
            assertTrue(new String(stats.body, StandardCharsets.US_ASCII).contains("serving"), "the asynchronous reply too");
            assertEquals(-1, in.read());
        }
    }

    @Test
    void absoluteFormTargetsFromProxiesWork() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET http://tracker:6969/announce?info_hash=" + hash(7010) + "&port=7010 HTTP/1.1\r\n\r\n"
                    + "GET HTTP://tracker/stats?mode=peer HTTP/1.1\r\n\r\n");
            InputStream in = socket.getInputStream();
            assertTrue(Bencode.dict(Reply.read(in).body).containsKey("peers"));
            assertEquals(200, Reply.read(in).status);
        }
    }

    @Test
    void statsRequestsPastTheRenderersQueueAreToldToComeBackLater() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        statsExecutor.execute(() -> {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        statsExecutor.execute(() -> { }); // fills the one-place queue
        try (Socket socket = connect()) {
            send(socket, "GET /stats?mode=peer HTTP/1.1\r\n\r\n");
            Reply reply = Reply.read(socket.getInputStream());
            assertEquals(503, reply.status);
            assertEquals("5", reply.header("retry-after"));
        } finally {
            release.countDown();
        }
    }

    /** One HTTP/1.1 reply read off a stream that may carry more (Content-Length or chunked). */
    private record Reply(int status, Map<String, String> headers, byte[] body) {
        String header(String lowerCaseName) {
            return headers.get(lowerCaseName);
        }

        static Reply read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ("chunked".equals(headers.get("transfer-encoding"))) {
                for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
                line(in);
            } else {
                body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            }
            return new Reply(status, headers, body.toByteArray());
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder s = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed mid-reply after: " + s);
                }
                if (c != '\r') {
                    s.append((char) c);
                }
            }
            return s.toString();
        }
    }
}
