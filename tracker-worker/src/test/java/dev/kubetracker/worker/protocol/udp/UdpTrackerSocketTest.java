package dev.kubetracker.worker.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.testing.InfoHashes;
import dev.kubetracker.worker.testing.TestWorker;
import dev.kubetracker.worker.testing.UdpClient;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The real worker on loopback, spoken to with real datagrams over IPv4 and IPv6. */
@QuarkusTest
class UdpTrackerSocketTest {
    private static UdpClient client(String host) throws IOException {
        return new UdpClient(host, TestWorker.clientPort());
    }

    @Test
    void ipv4AndIpv6ClientsAnnounceAndScrape() throws IOException {
        byte[] h = InfoHashes.random(100);
        try (UdpClient v4 = client("127.0.0.1"); UdpClient v6 = client("::1")) {
            ByteBuffer first = v4.announce(v4.connect(), h, 2, 0, -1, 6881);
            assertEquals(1, first.getInt(0));
            assertEquals(0, first.getInt(12), "leechers");
            assertEquals(1, first.getInt(16), "seeders");
            assertEquals(20, first.remaining(), "never yourself");

            ByteBuffer second = v6.announce(v6.connect(), h, 2, 100, -1, 6882);
            assertEquals(1, second.getInt(12));
            assertEquals(1, second.getInt(16));
            assertEquals(20, second.remaining(), "an IPv6 client gets only IPv6 peers: none yet");

            ByteBuffer third = v6.announce(v6.connect(), h, 0, 100, -1, 6883);
            assertEquals(20 + 18, third.remaining());
            assertEquals(0, third.getLong(20));
            assertEquals(1, third.getLong(28));
            assertEquals(6882, third.getShort(36) & 0xFFFF);

            ByteBuffer fourth = v4.announce(v4.connect(), h, 0, 100, -1, 6884);
            assertEquals(20 + 6, fourth.remaining());
            assertEquals(0x7F000001, fourth.getInt(20));
            assertEquals(6881, fourth.getShort(24) & 0xFFFF);

            ByteBuffer scrape = v4.scrape(v4.connect(), h, InfoHashes.random(101));
            assertEquals(8 + 24, scrape.remaining());
            assertEquals(1, scrape.getInt(8), "seeders");
            assertEquals(0, scrape.getInt(12), "completed");
            assertEquals(3, scrape.getInt(16), "leechers");
            assertEquals(0, scrape.getInt(20) | scrape.getInt(24) | scrape.getInt(28));
        }
    }

    @Test
    void connectionIdsExpireAndCannotBeForged() throws IOException {
        byte[] secret = Files.readAllBytes(Path.of("src/test/resources/connection-id.key"));
        int now = (int) (System.currentTimeMillis() / 60_000);
        ClientAddress loopback = new ClientAddress();
        loopback.setV4(0x7F000001);
        long fresh = new ConnectionIds(ConnectionIds.keyFromSecret(secret), 10, () -> now).issue(loopback);
        long expired = new ConnectionIds(ConnectionIds.keyFromSecret(secret), 10, () -> now - 12).issue(loopback);
        long otherKey = new ConnectionIds(ConnectionIds.randomKey(), 10, () -> now).issue(loopback);
        byte[] h = InfoHashes.random(102);
        try (UdpClient client = client("127.0.0.1")) {
            assertEquals(1, client.announce(fresh, h, 2, 0, -1, 6881).getInt(0),
                    "an id minted with the shared key is accepted: what lets workers share clients");
            assertEquals("bad connection id", UdpClient.errorText(client.announce(expired, h, 2, 0, -1, 6882)));
            assertEquals("bad connection id", UdpClient.errorText(client.announce(otherKey, h, 2, 0, -1, 6883)));
            assertEquals("bad connection id", UdpClient.errorText(client.scrape(fresh ^ 1, h)));
            assertEquals(1, client.scrape(client.connect(), h).getInt(8), "only the valid announce counted");
        }
    }

    @Test
    void scrapeWithNoHashIsDroppedAndWith200HashesAnswers74() throws IOException {
        try (UdpClient client = client("127.0.0.1")) {
            long id = client.connect();
            client.send(ByteBuffer.allocate(16).putLong(id).putInt(2).putInt(-5).array());
            // a scrape naming no torrent is dropped: an error would outweigh the request
            connectSeeingNoReplyTo(-5, client);
            byte[][] many = new byte[200][];
            for (int i = 0; i < many.length; i++) {
                many[i] = InfoHashes.random(5000 + i);
            }
            ByteBuffer reply = client.scrape(id, many);
            assertEquals(2, reply.getInt(0));
            assertEquals(8 + 74 * 12, reply.remaining());
        }
    }

    @Test
    void survivesJunkOfEveryLengthAndKeepsItsState() throws IOException {
        byte[] h = InfoHashes.random(103);
        try (UdpClient client = client("127.0.0.1"); UdpClient v6 = client("::1")) {
            long id = client.connect();
            client.announce(id, h, 2, 0, -1, 7001);
            client.announce(id, h, 2, 5, -1, 7002);

            Random random = new Random(3);
            for (int length = 0; length <= 120; length++) {
                for (int round = 0; round < 4; round++) {
                    byte[] junk = new byte[length];
                    random.nextBytes(junk);
                    if (round == 1 && length >= 16) {
                        ByteBuffer.wrap(junk).putLong(0, id).putInt(8, 1); // a valid id, garbage after it
                    }
                    if (round == 2 && length >= 16) {
                        ByteBuffer.wrap(junk).putLong(0, UdpRequest.PROTOCOL_ID ^ 1).putInt(8, 0);
                    }
                    client.send(junk);
                    v6.send(junk);
                }
            }
            // Wrong magic: dropped without a reply, so the next reply is the real connect's.
            client.send(ByteBuffer.allocate(16).putLong(0x41727101981L).putInt(0).putInt(-5).array());
            long again = connectSeeingNoReplyTo(-5, client);
            ByteBuffer scrape = client.scrape(again, h);
            assertEquals(1, scrape.getInt(8), "seeders kept");
            assertEquals(1, scrape.getInt(16), "leechers kept");
            assertEquals(1, v6.announce(v6.connect(), InfoHashes.random(104), 2, 0, -1, 7003).getInt(0), "IPv6 still served");
        }
    }

    /**
     * Connects, reading every reply up to the connect's: the worker answers one client socket's datagrams
     * in order, so a reply to anything sent before would have come first. None may answer {@code tid}.
     */
    private static long connectSeeingNoReplyTo(int tid, UdpClient client) throws IOException {
        int connectTid = 0x5EE5;
        client.send(ByteBuffer.allocate(16).putLong(UdpClient.PROTOCOL_ID).putInt(0).putInt(connectTid).array());
        while (true) {
            ByteBuffer reply = client.receive();
            assertTrue(reply.getInt(4) != tid, "transaction " + tid + " must not be answered");
            if (reply.getInt(4) == connectTid && reply.getInt(0) == 0) {
                return reply.getLong(8);
            }
        }
    }
}
