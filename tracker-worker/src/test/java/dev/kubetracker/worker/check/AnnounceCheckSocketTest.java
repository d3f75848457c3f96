package dev.kubetracker.worker.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.FreePorts;
import dev.kubetracker.worker.testing.InfoHashes;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.TestWorker;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The helm test's announce check against the real worker on loopback, and against nothing. */
@QuarkusTest
class AnnounceCheckSocketTest {

    @Test
    void announcesOverHttpAndUdpThenLeavesNoPeerBehind() throws IOException {
        byte[] hash = InfoHashes.random(16);
        int port = TestWorker.clientPort();
        List<AnnounceCheck.Result> results = new AnnounceCheck(hash).run("127.0.0.1", port, "127.0.0.1", port);

        assertEquals(4, results.size());
        results.forEach(r -> assertTrue(r.ok(), r.message()));
        Map<String, Object> files = Bencode.dict(RawHttp.get("127.0.0.1", port, "/scrape?info_hash="
                + RawHttp.percentEncode(hash)).expect(200).dict(), "files");
        Map<String, Object> torrent = Bencode.dict(files, Bencode.key(hash)); // absent: a torrent without peers
        long peers = torrent == null ? 0 : (Long) torrent.get("complete") + (Long) torrent.get("incomplete");
        assertEquals(0, peers, "the stopped announces took the check's peer out");
    }

    @Test
    void saysWhatFailedWhereNoTrackerListens() {
        int nothing = FreePorts.tcpAndUdp();
        List<AnnounceCheck.Result> results = new AnnounceCheck(InfoHashes.random(17)).run("127.0.0.1", nothing, "127.0.0.1", nothing);

        results.forEach(r -> assertFalse(r.ok(), r.message()));
        assertTrue(results.get(0).message().startsWith("HTTP announce (started) to http://127.0.0.1:" + nothing), results.get(0).message());
        assertTrue(results.get(1).message().startsWith("UDP announce (started) to udp://127.0.0.1:" + nothing), results.get(1).message());
    }
}
