package dev.kubetracker.worker.protocol.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Await;
import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.InfoHashes;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.RawHttp.Response;
import dev.kubetracker.worker.testing.TestWorker;
import dev.kubetracker.worker.TrackerWorker;
import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The real worker on loopback, spoken to over real TCP sockets. */
@QuarkusTest
class HttpRequestRouterSocketTest {
    @Inject
    TrackerWorker worker;

    private static Response get(String host, String target, String... headers) throws IOException {
        return RawHttp.get(host, TestWorker.clientPort(), target, headers);
    }

    private static String announce(byte[] hash, int port, long left, String extra) {
        return "/announce?info_hash=" + RawHttp.percentEncode(hash) + "&peer_id=-KT0001-abcdefghijkl&port=" + port
                + "&uploaded=0&downloaded=0&left=" + left + "&key=x" + extra;
    }

    private static Map<String, Object> ok(Response r) {
        Map<String, Object> reply = r.dict();
        assertEquals("text/plain", r.header("Content-Type"));
        assertFalse(reply.containsKey("failure reason"), r::text);
        return reply;
    }

    private static void assertFailure(Response r, int status, String reason) {
        assertEquals(status, r.status(), r::text);
        assertEquals("d14:failure reason" + reason.length() + ":" + reason + "e", r.text());
    }

    @Test
    void announcesOverIpv4AndIpv6SeeEachOther() throws IOException {
        byte[] h = InfoHashes.random(1);
        Map<String, Object> first = ok(get("127.0.0.1", announce(h, 6001, 0, "&event=started&compact=1")));
        assertEquals(1L, first.get("complete"));
        assertEquals(0L, first.get("incomplete"));
        assertEquals(0L, first.get("downloaded"));
        long interval = (Long) first.get("interval");
        assertTrue(interval >= 1620 && interval < 1980, "interval " + interval);
        assertEquals(900L, first.get("min interval"));
        assertEquals(0, ((byte[]) first.get("peers")).length, "never yourself");

        Map<String, Object> second = ok(get("::1", announce(h, 6002, 500, "&event=started")));
        assertEquals(1L, second.get("complete"));
        assertEquals(1L, second.get("incomplete"));
        assertArrayEquals(new byte[] {127, 0, 0, 1, 0x17, 0x71}, (byte[]) second.get("peers"), "127.0.0.1:6001");
        assertNull(second.get("peers6"));

        Map<String, Object> third = ok(get("127.0.0.1", announce(h, 6003, 500, "")));
        assertEquals(2L, third.get("incomplete"));
        byte[] peers6 = (byte[]) third.get("peers6");
        assertEquals(18, peers6.length);
        ByteBuffer b = ByteBuffer.wrap(peers6);
        assertEquals(0L, b.getLong());
        assertEquals(1L, b.getLong());
        assertEquals(6002, b.getShort() & 0xFFFF);
        assertEquals(6, ((byte[]) third.get("peers")).length, "the seeder over IPv4");
    }

    @Test
    void servesTheDictionaryPeerListForCompactZero() throws IOException {
        byte[] h = InfoHashes.random(2);
        ok(get("127.0.0.1", announce(h, 6001, 0, "")));
        Map<String, Object> reply = ok(get("127.0.0.1", announce(h, 6002, 10, "&compact=0")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> peers = (List<Map<String, Object>>) reply.get("peers");
        assertEquals(1, peers.size());
        assertEquals("127.0.0.1", Bencode.key((byte[]) peers.get(0).get("ip")));
        assertEquals(6001L, peers.get(0).get("port"));
    }

    @Test
    void announceAndScrapeWorkBehindAPathPrefix() throws IOException {
        byte[] h = InfoHashes.random(3);
        ok(get("127.0.0.1", "/some/secret/path" + announce(h, 6001, 0, "")));
        Map<String, Object> scrape = ok(get("127.0.0.1", "/some/secret/path/scrape?info_hash=" + RawHttp.percentEncode(h)));
        Map<String, Object> files = Bencode.dict(scrape, "files");
        assertEquals(Map.of("complete", 1L, "downloaded", 0L, "incomplete", 0L), files.get(Bencode.key(h)));
    }

    @Test
    void stoppedRemovesAndCompletedCountsOnce() throws IOException {
        byte[] h = InfoHashes.random(4);
        ok(get("127.0.0.1", announce(h, 6001, 100, "&event=started")));
        ok(get("127.0.0.1", announce(h, 6001, 0, "&event=completed")));
        Map<String, Object> again = ok(get("127.0.0.1", announce(h, 6001, 0, "&event=completed")));
        assertEquals(1L, again.get("downloaded"));
        assertEquals(1L, again.get("complete"));
        Map<String, Object> stopped = ok(get("127.0.0.1", announce(h, 6001, 0, "&event=stopped")));
        assertEquals(0L, stopped.get("complete"));
        assertEquals(0L, stopped.get("incomplete"));
    }

    @Test
    void scrapesSeveralTorrentsInHashOrder() throws IOException {
        byte[] a = InfoHashes.random(5);
        byte[] b = InfoHashes.random(6);
        ok(get("127.0.0.1", announce(a, 6001, 0, "")));
        ok(get("127.0.0.1", announce(b, 6001, 9, "")));
        ok(get("127.0.0.1", announce(b, 6002, 9, "")));
        byte[] unknown = InfoHashes.random(7);
        Map<String, Object> reply = ok(get("::1", "/scrape?info_hash=" + RawHttp.percentEncode(b) + "&info_hash="
                + RawHttp.percentEncode(a) + "&info_hash=" + RawHttp.percentEncode(unknown) + "&info_hash="
                + RawHttp.percentEncode(a)));
        Map<String, Object> files = Bencode.dict(reply, "files");
        assertEquals(3, files.size(), "a repeated hash is answered once");
        assertEquals(Map.of("complete", 1L, "downloaded", 0L, "incomplete", 0L), files.get(Bencode.key(a)));
        assertEquals(Map.of("complete", 0L, "downloaded", 0L, "incomplete", 2L), files.get(Bencode.key(b)));
        assertEquals(Map.of("complete", 0L, "downloaded", 0L, "incomplete", 0L), files.get(Bencode.key(unknown)));
    }

    @Test
    void fullScrapeIsValidBencodeWithAndWithoutGzip() throws IOException {
        byte[] h = InfoHashes.random(8);
        ok(get("127.0.0.1", announce(h, 6001, 0, "")));
        Response plain = get("127.0.0.1", "/scrape");
        assertEquals(200, plain.status());
        assertNull(plain.header("Content-Encoding"));
        assertEquals("chunked", plain.header("Transfer-Encoding"));
        Map<String, Object> files = Bencode.dict(plain.dict(), "files");
        assertEquals(Map.of("complete", 1L, "downloaded", 0L, "incomplete", 0L), files.get(Bencode.key(h)));

        Response gzipped = get("127.0.0.1", "/scrape", "Accept-Encoding: gzip, deflate");
        assertEquals("gzip", gzipped.header("Content-Encoding"));
        byte[] inflated = new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes();
        Map<String, Object> gzFiles = Bencode.dict(Bencode.dict(inflated), "files");
        assertTrue(gzFiles.containsKey(Bencode.key(h)));
    }

    @Test
    void fscrCountsScrapesNamingNoHashButNotTpbsDumps() throws IOException {
        long before = fullScrapesInStats();
        get("127.0.0.1", "/stats?mode=tpbs&format=txt").expect(200);
        assertEquals(before, fullScrapesInStats(), "a tpbs dump is no full scrape, as in opentracker");
        get("127.0.0.1", "/scrape").expect(200);
        assertEquals(before + 1, fullScrapesInStats());
    }

    private static long fullScrapesInStats() throws IOException {
        return Long.parseLong(get("127.0.0.1", "/stats?mode=fscr").expect(200).text().split("\n")[0]);
    }

    @Test
    void statsModesAnswerInOpentrackersLayout() throws IOException {
        byte[] h = InfoHashes.random(9);
        ok(get("127.0.0.1", announce(h, 6001, 0, "")));
        ok(get("127.0.0.1", announce(h, 6002, 0, "")));
        ok(get("127.0.0.1", announce(h, 6003, 1, "")));

        Response peer = get("127.0.0.1", "/stats?mode=peer");
        assertEquals(200, peer.status());
        assertTrue(peer.text().matches("\\d+\n\\d+\nopentracker serving \\d+ torrents\nopentracker"), peer.text());
        assertEquals(peer.text(), get("127.0.0.1", "/stats").text().replaceAll("^\\d+", peer.text().split("\n")[0]),
                "peer is the default mode");
        assertTrue(get("127.0.0.1", "/stats?mode=torr").text().matches("\\d+\n0\nopentracker serving \\d+ torrents\nopentracker"));
        assertTrue(get("127.0.0.1", "/stats?mode=conn").text()
                .matches("\\d+\n\\d+\n\\d+ seconds \\(\\d+ hours\\)\nopentracker connections, \\d+ conns/s :: \\d+ success/s\\."));

        String hex = InfoHashes.hex(h).toUpperCase(java.util.Locale.ROOT);
        String top = get("127.0.0.1", "/stats?mode=top100").text();
        assertTrue(top.startsWith("Top 100 torrents by peers:\n"), top);
        assertTrue(top.contains("\t3\t" + hex + "\n"), top);
        assertTrue(top.contains("Top 100 torrents by seeds:\n"));
        assertFalse(top.contains("leechers"), "opentracker's two sections only");

        String everything = get("127.0.0.1", "/stats?mode=everything").text();
        assertTrue(everything.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<stats>\n"));
        assertTrue(everything.endsWith("</stats>"));
        assertTrue(everything.matches("(?s).*<peers>\n    <count>\\d+</count>\n  </peers>.*"));

        assertTrue(get("127.0.0.1", "/stats?mode=tpbs&format=txt").text().contains(hex + ":2:1\n"));
        assertTrue(get("127.0.0.1", "/stats?mode=tpbs&format=txtp").text().contains(hex + ":2:1:0\n"));
        assertEquals("standalone\n", get("127.0.0.1", "/stats?mode=cluster").text(), "no siblings, no cluster figures");
        byte[] bin = get("127.0.0.1", "/stats?mode=tpbs&format=bin").body();
        assertEquals(0, bin.length % 28);
        boolean found = false;
        for (int i = 0; i < bin.length; i += 28) {
            ByteBuffer row = ByteBuffer.wrap(bin, i, 28);
            byte[] rowHash = new byte[20];
            row.get(rowHash);
            if (java.util.Arrays.equals(rowHash, h)) {
                found = true;
                assertEquals(2, row.getInt());
                assertEquals(1, row.getInt());
            }
        }
        assertTrue(found);
        Map<String, Object> ben = Bencode.dict(get("127.0.0.1", "/stats?mode=tpbs&format=ben").dict(), "files");
        assertEquals(Map.of("complete", 2L, "downloaded", 0L, "incomplete", 1L), ben.get(Bencode.key(h)));

        Response bad = get("127.0.0.1", "/stats?mode=nonsense");
        assertEquals(400, bad.status());
        assertEquals("<title>Invalid Request</title>\n", bad.text());
        assertEquals(400, get("127.0.0.1", "/stats?mode=tpbs&format=xml").status());
    }

    @Test
    void metricsLiveOnTheManagementPortOnly() throws IOException {
        ok(get("127.0.0.1", announce(InfoHashes.random(10), 6001, 0, "")));
        Response metrics = RawHttp.get("127.0.0.1", TestWorker.managementPort(), "/q/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.text().matches("(?s).*tracker_announces_total\\{event=\"none\",family=\"ipv4\",protocol=\"http\"} [1-9].*"),
                metrics.text());
        assertTrue(metrics.text().contains("tracker_torrents "));
        assertTrue(metrics.text().contains("tracker_peers{role=\"seeder\"}"));
        assertEquals(200, RawHttp.get("127.0.0.1", TestWorker.managementPort(), "/q/health/ready").status());
        assertEquals(404, get("127.0.0.1", "/q/metrics").status(), "not on the client port");
    }

    @Test
    void forwardedForIsBelievedOnlyFromTrustedProxies() throws IOException {
        byte[] h = InfoHashes.random(11);
        // The test profile trusts 127.0.0.2/32.
        ok(RawHttp.get(InetAddress.getByName("127.0.0.2"), "127.0.0.1", TestWorker.clientPort(), announce(h, 7001, 0, ""),
                "X-Forwarded-For: 203.0.113.9"));
        ok(RawHttp.get(InetAddress.getByName("127.0.0.3"), "127.0.0.1", TestWorker.clientPort(), announce(h, 7002, 0, ""),
                "X-Forwarded-For: 198.51.100.1"));
        Map<String, Object> reply = ok(get("127.0.0.1", announce(h, 7003, 5, "")));
        byte[] peers = (byte[]) reply.get("peers");
        assertEquals(12, peers.length);
        String both = java.util.HexFormat.of().formatHex(peers);
        assertTrue(both.contains("cb0071091b59"), "203.0.113.9:7001 in " + both);
        assertTrue(both.contains("7f0000031b5a"), "the untrusted sender's own address, 127.0.0.3:7002, in " + both);
        assertFailure(RawHttp.get(InetAddress.getByName("127.0.0.2"), "127.0.0.1", TestWorker.clientPort(), announce(h, 7004, 0, ""),
                "X-Forwarded-For: garbage"), 400, "malformed X-Forwarded-For");
    }

    @Test
    void badRequestsGetExactErrorsAndTheTrackerKeepsItsState() throws IOException {
        byte[] h = InfoHashes.random(12);
        ok(get("127.0.0.1", announce(h, 6001, 0, "")));
        String hash19 = RawHttp.percentEncode(java.util.Arrays.copyOf(h, 19));
        String hash21 = RawHttp.percentEncode(java.util.Arrays.copyOf(h, 21));
        String base = "&peer_id=-KT0001-abcdefghijkl&left=0";

        assertFailure(get("127.0.0.1", "/announce?info_hash=" + hash19 + "&port=1" + base), 400, "info_hash must be 20 bytes");
        assertFailure(get("127.0.0.1", "/announce?info_hash=" + hash21 + "&port=1" + base), 400, "info_hash must be 20 bytes");
        assertFailure(get("127.0.0.1", "/announce?port=1" + base), 400, "missing info_hash");
        assertFailure(get("127.0.0.1", "/announce?info_hash=%zz%01&port=1" + base), 400, "malformed query string");
        assertFailure(get("127.0.0.1", "/announce?info_hash=%0" + base), 400, "malformed query string");
        assertFailure(get("127.0.0.1", announce(h, 0, 0, "").replace("port=0", "port=0")), 400, "port must be 1 to 65535");
        assertFailure(get("127.0.0.1", announce(h, 70000, 0, "")), 400, "port must be 1 to 65535");
        assertFailure(get("127.0.0.1", "/announce?info_hash=" + RawHttp.percentEncode(h) + base), 400, "missing port");
        assertFailure(get("127.0.0.1", announce(h, 1, 0, "&event=exploded")), 400,
                "event must be started, completed, stopped or empty");
        assertFailure(get("127.0.0.1", announce(h, 1, 0, "&numwant=lots")), 400, "numwant must be a number");
        assertFailure(get("127.0.0.1", "/nowhere"), 404, "not found: announce to /announce, scrape at /scrape");

        Response tooLong = get("127.0.0.1", "/announce?x=" + "a".repeat(5000));
        assertEquals(414, tooLong.status());

        StringBuilder many = new StringBuilder("/scrape?");
        for (int i = 0; i < 200; i++) {
            many.append("info_hash=").append(RawHttp.percentEncode(InfoHashes.random(1000 + i))).append('&');
        }
        // 200 percent-encoded hashes do not fit the 4096-byte request line: 414. The hash cap (64)
        // applies to shorter spellings: 65 hashes of plain ASCII bytes fit the line.
        assertEquals(414, get("127.0.0.1", many.toString()).status());
        StringBuilder sixtyFive = new StringBuilder("/scrape?");
        for (int i = 0; i < 65; i++) {
            sixtyFive.append("info_hash=").append(String.format("kubetracker-hash%04d", i)).append('&');
        }
        assertFailure(get("127.0.0.1", sixtyFive.toString()), 400, "too many info_hash values (at most 64)");
        assertFailure(get("127.0.0.1", "/scrape?info_hash=abc"), 400, "info_hash must be 20 bytes");

        assertFailure(get("127.0.0.1", "/announce"), 400, "missing info_hash");

        Map<String, Object> still = ok(get("127.0.0.1", "/scrape?info_hash=" + RawHttp.percentEncode(h)));
        Map<String, Object> files = Bencode.dict(still, "files");
        assertEquals(Map.of("complete", 1L, "downloaded", 0L, "incomplete", 0L), files.get(Bencode.key(h)));
    }

    @Test
    void numwantNegativeMeansDefaultAndHugeMeansTheMaximum() throws IOException {
        byte[] h = InfoHashes.random(13);
        for (int port = 1; port <= 210; port++) {
            ok(get("127.0.0.1", announce(h, 10000 + port, 0, "&numwant=0")));
        }
        Map<String, Object> negative = ok(get("127.0.0.1", announce(h, 20000, 5, "&numwant=-3")));
        assertEquals(50 * 6, ((byte[]) negative.get("peers")).length);
        Map<String, Object> huge = ok(get("127.0.0.1", announce(h, 20000, 5, "&numwant=99999999999999999999999")));
        assertEquals(200 * 6, ((byte[]) huge.get("peers")).length);
        Map<String, Object> none = ok(get("127.0.0.1", announce(h, 20000, 5, "&numwant=0")));
        assertEquals(0, ((byte[]) none.get("peers")).length);
    }

    @Test
    void aForwardedForLineTheClientSentIsNotBelievedWhenTheProxyAddsItsOwn() throws IOException {
        byte[] h = InfoHashes.random(14);
        // The client forges a line; the trusted proxy (127.0.0.2) appends the real client's address.
        ok(RawHttp.get(InetAddress.getByName("127.0.0.2"), "127.0.0.1", TestWorker.clientPort(), announce(h, 7101, 0, ""),
                "X-Forwarded-For: 192.0.2.66", "X-Forwarded-For: 198.51.100.23"));
        Map<String, Object> reply = ok(get("127.0.0.1", announce(h, 7102, 5, "")));
        assertEquals("c63364171bbd", java.util.HexFormat.of().formatHex((byte[]) reply.get("peers")),
                "198.51.100.23:7101, the proxy's word");
    }

    @Test
    void methodsOtherThanGetAreRefused() throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", TestWorker.clientPort())) {
            socket.getOutputStream().write(("POST /announce HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Response r = RawHttp.parse(socket.getInputStream().readAllBytes());
            assertFailure(r, 405, "only GET is supported");
            assertEquals("GET", r.header("Allow"));
        }
    }

    @Test
    void readsAcceptEncodingQualityValues() {
        assertTrue(FullScrapeStarter.acceptsGzip("gzip"));
        assertTrue(FullScrapeStarter.acceptsGzip("deflate, gzip;q=0.5"));
        assertTrue(FullScrapeStarter.acceptsGzip("br, *"));
        assertFalse(FullScrapeStarter.acceptsGzip("gzip; q=0"));
        assertFalse(FullScrapeStarter.acceptsGzip("gzip;q=0.0, identity"));
        assertFalse(FullScrapeStarter.acceptsGzip("identity"));
        assertFalse(FullScrapeStarter.acceptsGzip((String) null));
    }

    @Test
    void aVeryNegativeNumwantMeansTheDefault() throws IOException {
        byte[] h = InfoHashes.random(15);
        ok(get("127.0.0.1", announce(h, 6001, 0, "")));
        Map<String, Object> reply = ok(get("127.0.0.1", announce(h, 6002, 1, "&numwant=-99999999999999999999999")));
        assertEquals(6, ((byte[]) reply.get("peers")).length);
    }

    @Test
    void aLargeFullScrapeStreamsCompletelyAndSurvivesAClientThatHangsUp() throws Exception {
        int torrents = 60_000;
        Announce a = new Announce();
        AnnounceReply reply = new AnnounceReply(1);
        Random random = new Random(16);
        for (int i = 0; i < torrents; i++) {
            a.clear();
            a.infoHash.set(random.nextLong(), random.nextLong(), i);
            a.address4 = 0x0A000000 + i;
            a.port = 1000 + (i & 0x3FFF);
            a.left = i % 3;
            worker.store().announce(a, reply);
        }
        Response plain = get("127.0.0.1", "/scrape");
        Map<String, Object> files = Bencode.dict(plain.dict(), "files");
        assertTrue(files.size() >= torrents, "all " + torrents + " torrents, got " + files.size());

        Response gzipped = get("127.0.0.1", "/scrape", "Accept-Encoding: gzip");
        byte[] inflated = new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes();
        assertArrayEquals(plain.body(), inflated, "gzip carries the same bytes, complete");
        assertTrue(gzipped.body().length < plain.body().length / 2);

        for (int i = 0; i < 5; i++) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", TestWorker.clientPort())) {
                socket.getOutputStream().write("GET /scrape HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getInputStream().read(new byte[100]);
            } // hangs up mid-stream
        }
        // Each hang-up gives its slot back when the tracker notices the closed connection: until then a
        // full scrape may be told to come back later (503), never anything else; a lost slot never comes back.
        Await.until("a full scrape served after the hang-ups (slots given back)", Duration.ofSeconds(10), () -> {
            int status = get("127.0.0.1", "/scrape").status();
            assertTrue(status == 200 || status == 503, "status " + status);
            return status == 200;
        });
    }
}
