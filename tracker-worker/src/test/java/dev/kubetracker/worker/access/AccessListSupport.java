package dev.kubetracker.worker.access;

import dev.kubetracker.worker.testing.Await;
import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.InfoHashes;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.TestWorker;
import dev.kubetracker.worker.testing.UdpClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/** Client-side helpers shared by the access-list socket tests. */
final class AccessListSupport {
    static final String REFUSAL_BODY = "d14:failure reason" + AccessList.REFUSAL.length() + ":" + AccessList.REFUSAL + "e";

    private AccessListSupport() {
    }

    static RawHttp.Response get(String target) throws IOException {
        return RawHttp.get("127.0.0.1", TestWorker.clientPort(), target);
    }

    static RawHttp.Response announce(String hex, int port, long left) throws IOException {
        return get("/announce?info_hash=" + RawHttp.percentEncode(InfoHashes.fromHex(hex))
                + "&peer_id=-KT0001-abcdefghijkl&port=" + port + "&left=" + left);
    }

    /** Asks with a {@code stopped} announce, which changes nothing when the hash is allowed. */
    static boolean refusedOverHttp(String hex) throws IOException {
        RawHttp.Response r = get("/announce?info_hash=" + RawHttp.percentEncode(InfoHashes.fromHex(hex))
                + "&peer_id=-KT0001-abcdefghijkl&port=9999&left=1&event=stopped").expect(200);
        return r.text().equals(REFUSAL_BODY);
    }

    /** Seeders and leechers of a torrent, by HTTP scrape (zeros for an unknown or refused torrent). */
    static long[] scrape(String hex) throws IOException {
        byte[] hash = InfoHashes.fromHex(hex);
        Map<String, Object> files = Bencode.dict(get("/scrape?info_hash=" + RawHttp.percentEncode(hash)).dict(), "files");
        Map<String, Object> counts = Bencode.dict(files, Bencode.key(hash));
        return new long[] {(Long) counts.get("complete"), (Long) counts.get("incomplete")};
    }

    /** The torrents of a full scrape, keyed by {@link Bencode#key}. */
    static Map<String, Object> fullScrape() throws IOException {
        return Bencode.dict(get("/scrape").dict(), "files");
    }

    static String udpAnnounceError(String hex) throws IOException {
        try (UdpClient client = new UdpClient("127.0.0.1", TestWorker.clientPort())) {
            return UdpClient.errorText(client.announce(client.connect(), InfoHashes.fromHex(hex), 2, 1, -1, 9998));
        }
    }

    /** Waits, bounded, until the hash is refused (or allowed) over HTTP; returns the seconds it took. */
    static double awaitRefused(String hex, boolean refused) throws Exception {
        return Await.until(hex + (refused ? " refused" : " allowed"), Duration.ofSeconds(10),
                () -> refusedOverHttp(hex) == refused).toMillis() / 1e3;
    }
}
