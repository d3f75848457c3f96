package dev.kubetracker.worker.deniability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.testing.InfoHashes;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.TestWorker;
import dev.kubetracker.worker.testing.UdpClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(DeniabilitySocketTest.AlwaysRandomPeers.class)
class DeniabilitySocketTest {

    public static final class AlwaysRandomPeers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracker.deniability.probability", "1", "tracker.deniability.max-peers", "3",
                    "tracker.deniability.ports", "50000-50099");
        }
    }

    @Test
    void repliesCarryRandomPublicPeersThatAreNeverStoredOrCounted() throws Exception {
        byte[] h = InfoHashes.random(77);
        String target = "/announce?info_hash=" + RawHttp.percentEncode(h) + "&peer_id=-KT0001-abcdefghijkl&port=6881&left=0";
        Map<String, Object> reply = RawHttp.get("127.0.0.1", TestWorker.clientPort(), target).dict();
        byte[] peers = (byte[]) reply.get("peers");
        assertTrue(peers.length >= 6 && peers.length <= 18 && peers.length % 6 == 0, "1 to 3 random peers");
        ByteBuffer b = ByteBuffer.wrap(peers);
        while (b.hasRemaining()) {
            assertTrue(RandomPeers.isPublicV4(b.getInt()));
            int port = b.getShort() & 0xFFFF;
            assertTrue(port >= 50000 && port < 50100, "port " + port);
        }
        assertEquals(1L, reply.get("complete"), "only the real peer is counted");
        assertEquals(0L, reply.get("incomplete"));

        try (UdpClient client = new UdpClient("127.0.0.1", TestWorker.clientPort())) {
            long id = client.connect();
            ByteBuffer udp = client.announce(id, h, 2, 5, -1, 6882);
            int peerBytes = udp.remaining() - 20;
            assertTrue(peerBytes % 6 == 0 && peerBytes >= 6 && peerBytes <= 4 * 6, "the seeder plus 1 to 3 random");
            ByteBuffer scrape = client.scrape(id, h);
            assertEquals(1, scrape.getInt(8), "seeders");
            assertEquals(1, scrape.getInt(16), "leechers");
        }
    }
}
