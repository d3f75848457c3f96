package dev.kubetracker.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.TrackerWorker;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.protocol.udp.ConnectionIds;
import dev.kubetracker.worker.testing.Bencode;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.UdpClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The worker started with a non-default value for most keys of the README's configuration table, each
 * key's effect observed over real sockets on loopback (the defaults are what the other socket tests see).
 */
@QuarkusTest
@TestProfile(ConfiguredWorkerSocketTest.NonDefaults.class)
class ConfiguredWorkerSocketTest {
    static final Path CONNECTION_ID_KEY = Path.of("src", "test", "resources", "connection-id.key").toAbsolutePath();

    public static final class NonDefaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("tracker.host", "127.0.0.1"),
                    Map.entry("tracker.udp.sockets", "3"),
                    Map.entry("tracker.http.max-request-line-length", "300"),
                    Map.entry("tracker.announce.interval", "600S"),
                    Map.entry("tracker.announce.min-interval", "2M"),
                    Map.entry("tracker.peer-timeout", "15M"),
                    Map.entry("tracker.numwant.default", "4"),
                    Map.entry("tracker.numwant.max", "6"),
                    Map.entry("tracker.scrape.max-hashes", "3"),
                    Map.entry("tracker.udp.connection-id.key-file", CONNECTION_ID_KEY.toString()),
                    Map.entry("tracker.udp.connection-id.max-age", "2M"),
                    Map.entry("tracker.trusted-proxies", "127.0.0.5/32"),
                    Map.entry("tracker.stats.product-name", "mytracker"));
        }
    }

    @Inject
    TrackerConfig config;
    @Inject
    TrackerWorker worker;

    private static byte[] hash(int seed) {
        byte[] h = new byte[20];
        new Random(seed).nextBytes(h);
        return h;
    }

    private RawHttp.Response get(String target, String... headers) throws IOException {
        return RawHttp.get("127.0.0.1", config.http().port(), target, headers);
    }

    private static String announce(byte[] hash, int port, long left, String extra) {
        return "/announce?info_hash=" + RawHttp.percentEncode(hash) + "&peer_id=-KT0001-abcdefghijkl&port=" + port
                + "&left=" + left + extra;
    }

    private Map<String, Object> ok(RawHttp.Response r) {
        assertEquals(200, r.status(), r::text);
        Map<String, Object> reply = Bencode.dict(r.body());
        assertFalse(reply.containsKey("failure reason"), r::text);
        return reply;
    }

    @Test
    void hostBindsTheClientPortsToThatAddressOnly() throws IOException {
        ok(get(announce(hash(1), 6001, 0, "")));
        try (Socket socket = new Socket()) {
            assertThrows(ConnectException.class,
                    () -> socket.connect(new InetSocketAddress("::1", config.http().port()), 5_000), "HTTP on ::1");
        }
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("::1"))) {
            socket.setSoTimeout(5_000);
            socket.connect(new InetSocketAddress("::1", config.udp().port()));
            byte[] connect = ByteBuffer.allocate(16).putLong(UdpClient.PROTOCOL_ID).putInt(0).putInt(1).array();
            socket.send(new DatagramPacket(connect, connect.length));
            assertThrows(PortUnreachableException.class, () -> socket.receive(new DatagramPacket(new byte[64], 64)),
                    "UDP on ::1");
        }
    }

    @Test
    void udpSocketsBindsThatManySocketsToThePort() throws IOException {
        // Netty's epoll sockets are IPv6 ones: 127.0.0.1 shows as ::ffff:127.0.0.1 in udp6.
        String port = String.format(Locale.ROOT, ":%04X", config.udp().port());
        long sockets = 0;
        for (String table : new String[] {"/proc/self/net/udp", "/proc/self/net/udp6"}) {
            sockets += Files.readAllLines(Path.of(table)).stream()
                    .map(line -> line.trim().split("\\s+")[1])
                    .filter(local -> local.endsWith("0100007F" + port)).count();
        }
        assertEquals(3, sockets, "sockets bound to 127.0.0.1" + port);
    }

    @Test
    void statsProductNameIsTheWordOfTheTextModes() throws IOException {
        assertTrue(get("/stats?mode=torr").expect(200).text().matches("\\d+\n0\nmytracker serving \\d+ torrents\nmytracker"));
    }

    @Test
    void maxRequestLineLengthIsTheLongestLineServed() throws IOException {
        // "GET " + target + " HTTP/1.1": 13 bytes besides the target.
        assertEquals(404, get("/x?" + "a".repeat(300 - 13 - 3)).status(), "a line of 300 bytes is read");
        RawHttp.Response tooLong = get("/x?" + "a".repeat(301 - 13 - 3));
        assertEquals(414, tooLong.status(), "a line of 301 bytes is not");
        assertEquals("d14:failure reason21:request line too longe", tooLong.text());
    }

    @Test
    void theIntervalIsTheConfiguredOneWithinATenthAndMinIntervalIsAsSet() throws IOException {
        byte[] h = hash(2);
        try (UdpClient udp = new UdpClient("127.0.0.1", config.udp().port())) {
            long id = udp.connect();
            for (int i = 0; i < 20; i++) {
                Map<String, Object> reply = ok(get(announce(h, 6001, 0, "")));
                long interval = (Long) reply.get("interval");
                assertTrue(interval >= 540 && interval <= 660, "HTTP interval " + interval);
                assertEquals(120L, reply.get("min interval"));
                int udpInterval = udp.announce(id, h, 0, 0, -1, 6002).getInt(8);
                assertTrue(udpInterval >= 540 && udpInterval <= 660, "UDP interval " + udpInterval);
            }
        }
    }

    @Test
    void numwantDefaultAndMaxCapThePeersOfAReply() throws IOException {
        byte[] h = hash(3);
        for (int port = 1; port <= 8; port++) {
            ok(get(announce(h, 7000 + port, 0, "&numwant=0")));
        }
        assertEquals(4 * 6, ((byte[]) ok(get(announce(h, 7100, 5, ""))).get("peers")).length, "the default");
        assertEquals(5 * 6, ((byte[]) ok(get(announce(h, 7100, 5, "&numwant=5"))).get("peers")).length);
        assertEquals(6 * 6, ((byte[]) ok(get(announce(h, 7100, 5, "&numwant=100"))).get("peers")).length, "the max");
        try (UdpClient udp = new UdpClient("127.0.0.1", config.udp().port())) {
            long id = udp.connect();
            assertEquals(20 + 4 * 6, udp.announce(id, h, 0, 5, -1, 7101).remaining(), "UDP: the default");
            assertEquals(20 + 6 * 6, udp.announce(id, h, 0, 5, 100, 7101).remaining(), "UDP: the max");
        }
    }

    @Test
    void scrapeMaxHashesCapsHttpScrapesOnly() throws IOException {
        // Hashes of plain ASCII: four percent-encoded ones would not fit the 300-byte request line.
        StringBuilder three = new StringBuilder("/scrape?");
        for (int i = 0; i < 3; i++) {
            three.append("info_hash=").append(String.format("kubetracker-hash%04d", i)).append('&');
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> files = (Map<String, Object>) ok(get(three.toString())).get("files");
        assertEquals(3, files.size());
        RawHttp.Response four = get(three + "info_hash=kubetracker-hash0003");
        assertEquals(400, four.status());
        assertEquals("d14:failure reason37:too many info_hash values (at most 3)e", four.text());

        try (UdpClient udp = new UdpClient("127.0.0.1", config.udp().port())) {
            byte[][] ten = new byte[10][];
            for (int i = 0; i < ten.length; i++) {
                ten[i] = hash(100 + i);
            }
            assertEquals(8 + 10 * 12, udp.scrape(udp.connect(), ten).remaining(), "UDP scrapes what fits a datagram");
        }
    }

    @Test
    void connectionIdsAreAcceptedForMaxAgeMinutesAndNoLonger() throws Exception {
        byte[] secret = Files.readAllBytes(CONNECTION_ID_KEY);
        ClientAddress loopback = new ClientAddress();
        loopback.setV4(0x7F000001);
        // Mint and use within one minute of the worker's clock: wait out a minute that is about to turn.
        long untilNextMinute = 60_000 - System.currentTimeMillis() % 60_000;
        if (untilNextMinute < 3_000) {
            Thread.sleep(untilNextMinute + 100);
        }
        int now = (int) (System.currentTimeMillis() / 60_000);
        long twoMinutesOld = new ConnectionIds(ConnectionIds.keyFromSecret(secret), 10, () -> now - 2).issue(loopback);
        long threeMinutesOld = new ConnectionIds(ConnectionIds.keyFromSecret(secret), 10, () -> now - 3).issue(loopback);
        byte[] h = hash(4);
        try (UdpClient udp = new UdpClient("127.0.0.1", config.udp().port())) {
            assertEquals(1, udp.announce(twoMinutesOld, h, 2, 0, -1, 6881).getInt(0), "two minutes old: accepted");
            assertEquals("bad connection id", UdpClient.errorText(udp.announce(threeMinutesOld, h, 2, 0, -1, 6882)),
                    "three minutes old: refused (the default ten minutes would accept it)");
        }
    }

    @Test
    void forwardedForIsBelievedFromTheConfiguredProxiesOnly() throws IOException {
        byte[] h = hash(5);
        ok(RawHttp.get(InetAddress.getByName("127.0.0.5"), "127.0.0.1", config.http().port(),
                announce(h, 7001, 0, ""), "X-Forwarded-For: 203.0.113.7"));
        ok(RawHttp.get(InetAddress.getByName("127.0.0.2"), "127.0.0.1", config.http().port(),
                announce(h, 7002, 0, ""), "X-Forwarded-For: 198.51.100.1"));
        String peers = HexFormat.of().formatHex((byte[]) ok(get(announce(h, 7003, 5, ""))).get("peers"));
        assertEquals(24, peers.length(), peers);
        assertTrue(peers.contains("cb0071071b59"), "203.0.113.7:7001, the trusted proxy's word, in " + peers);
        assertTrue(peers.contains("7f0000021b5a"), "127.0.0.2:7002, an untrusted sender's own address, in " + peers);
    }

    @Test
    void peerTimeoutReachesTheStore() {
        // Its effect takes minutes of a real clock: SwarmStoreTest proves it with a test clock.
        assertEquals(15, worker.store().peerTimeoutMinutes());
    }
}
