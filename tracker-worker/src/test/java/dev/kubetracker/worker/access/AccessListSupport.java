package dev.kubetracker.worker.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.UdpClient;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;

/** Client-side helpers shared by the access-list socket tests. */
final class AccessListSupport {
    static final int PORT = 16969;
    static final String REFUSAL_BODY = "d14:failure reason" + AccessList.REFUSAL.length() + ":" + AccessList.REFUSAL + "e";

    private AccessListSupport() {
    }

    static byte[] hash(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static RawHttp.Response announce(String hex, int port, long left) throws IOException {
        return RawHttp.get("127.0.0.1", PORT, "/announce?info_hash=" + RawHttp.percentEncode(hash(hex))
                + "&peer_id=-KT0001-abcdefghijkl&port=" + port + "&left=" + left);
    }

    /** Asks with a {@code stopped} announce, which changes nothing when the hash is allowed. */
    static boolean refusedOverHttp(String hex) throws IOException {
        RawHttp.Response r = RawHttp.get("127.0.0.1", PORT, "/announce?info_hash=" + RawHttp.percentEncode(hash(hex))
                + "&peer_id=-KT0001-abcdefghijkl&port=9999&left=1&event=stopped");
        assertEquals(200, r.status());
        return r.text().equals(REFUSAL_BODY);
    }

    /** Seeders and leechers of a torrent, by HTTP scrape (zeros for an unknown or refused torrent). */
    static long[] scrape(String hex) throws IOException {
        RawHttp.Response r = RawHttp.get("127.0.0.1", PORT, "/scrape?info_hash=" + RawHttp.percentEncode(hash(hex)));
        Map<String, Object> reply = Bencode.dict(r.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> files = (Map<String, Object>) reply.get("files");
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) files.get(Bencode.key(hash(hex)));
        return new long[] {(Long) counts.get("complete"), (Long) counts.get("incomplete")};
    }

    static String udpAnnounceError(String hex) throws IOException {
        try (UdpClient client = new UdpClient("127.0.0.1")) {
            return UdpClient.errorText(client.announce(client.connect(), hash(hex), 2, 1, -1, 9998));
        }
    }

    /** Polls, bounded, until the hash is refused (or allowed) over HTTP; returns the seconds it took. */
    static double awaitRefused(String hex, boolean refused) throws Exception {
        long start = System.nanoTime();
        long deadline = start + 10_000_000_000L;
        while (refusedOverHttp(hex) != refused) {
            assertTrue(System.nanoTime() < deadline, hex + " not " + (refused ? "refused" : "allowed") + " within 10 s");
            Thread.sleep(100);
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
