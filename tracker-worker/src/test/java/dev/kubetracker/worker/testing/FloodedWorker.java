package dev.kubetracker.worker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/** What a worker whose store is full must still answer, checked over its client port on loopback. */
public final class FloodedWorker {
    public static final String TRACKER_FULL = "tracker full: no new torrents are accepted now";
    private static final String FULL_BENCODED = "d14:failure reason" + TRACKER_FULL.length() + ":" + TRACKER_FULL + "e";

    private FloodedWorker() {
    }

    /** Announces 127.0.0.1:7001 and 127.0.0.1:7002 as seeders of the torrent (before the flood). */
    public static void announceKnownTorrent(int port, byte[] hash) throws IOException {
        try (UdpClient peers = new UdpClient("127.0.0.1", port)) {
            long id = peers.connect();
            assertEquals(1, peers.announce(id, hash, 2, 0, 0, 7001).getInt(0));
            assertEquals(1, peers.announce(id, hash, 2, 0, 0, 7002).getInt(0));
        }
    }

    /** Peer 7002 of the torrent announces again (a known peer: no new room needed) and is handed peer 7001. */
    public static void assertServesKnownTorrent(int port, byte[] hash) throws IOException {
        try (UdpClient peer = new UdpClient("127.0.0.1", port)) {
            ByteBuffer reply = peer.announce(peer.connect(), hash, 0, 0, 50, 7002);
            assertEquals(1, reply.getInt(0), () -> "an announce reply, not " + describe(reply));
            Set<String> handedOut = new HashSet<>();
            for (int at = 20; at + 6 <= reply.remaining(); at += 6) {
                handedOut.add(HexFormat.of().formatHex(reply.array(), at, at + 6));
            }
            assertTrue(handedOut.contains("7f0000011b59"), () -> "127.0.0.1:7001 among " + handedOut);
        }
    }

    /** A new torrent (one the flood was refused for) gets exactly {@code tracker full}, over UDP and HTTP. */
    public static void assertRefusesNewTorrent(int port, byte[] hash) throws IOException {
        assertNotNull(hash, "a hash the flood was refused for");
        try (UdpClient peer = new UdpClient("127.0.0.1", port)) {
            assertEquals(TRACKER_FULL, UdpClient.errorText(peer.announce(peer.connect(), hash, 2, 0, -1, 7003)));
        }
        RawHttp.Response http = announceOverHttp(port, hash);
        assertEquals(200, http.status());
        assertEquals(FULL_BENCODED, http.text());
    }

    /** A new torrent is either served or refused as {@code tracker full}, over UDP and HTTP: never unanswered. */
    public static void assertServesOrRefusesNewTorrent(int port, byte[] hash) throws IOException {
        try (UdpClient peer = new UdpClient("127.0.0.1", port)) {
            ByteBuffer reply = peer.announce(peer.connect(), hash, 2, 0, -1, 7003); // times out if unanswered
            assertTrue(reply.getInt(0) == 1 || UdpClient.errorText(reply).equals(TRACKER_FULL), () -> describe(reply));
        }
        RawHttp.Response http = announceOverHttp(port, hash);
        assertEquals(200, http.status());
        Map<String, Object> reply = Bencode.dict(http.body());
        assertTrue(!reply.containsKey("failure reason") || http.text().equals(FULL_BENCODED), http::text);
    }

    private static RawHttp.Response announceOverHttp(int port, byte[] hash) throws IOException {
        return RawHttp.get("127.0.0.1", port, "/announce?info_hash=" + RawHttp.percentEncode(hash)
                + "&peer_id=-KT0001-abcdefghijkl&port=7003&left=0");
    }

    private static String describe(ByteBuffer reply) {
        return reply.getInt(0) == 3 ? "error " + UdpClient.errorText(reply) : "action " + reply.getInt(0);
    }
}
