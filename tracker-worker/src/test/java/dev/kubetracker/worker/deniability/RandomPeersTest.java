package dev.kubetracker.worker.deniability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.PeerRecord;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RandomPeersTest {
    private static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    @Test
    void knowsWhichIpv4AddressesArePublic() {
        assertTrue(RandomPeers.isPublicV4(ip(8, 8, 8, 8)));
        assertTrue(RandomPeers.isPublicV4(ip(1, 1, 1, 1)));
        assertTrue(RandomPeers.isPublicV4(ip(172, 32, 0, 1)));
        assertTrue(RandomPeers.isPublicV4(ip(100, 128, 0, 1)));
        for (int address : new int[] {ip(0, 1, 2, 3), ip(10, 1, 2, 3), ip(100, 64, 0, 1), ip(127, 0, 0, 1),
            ip(169, 254, 1, 1), ip(172, 16, 0, 1), ip(172, 31, 255, 255), ip(192, 0, 2, 5), ip(192, 168, 1, 1),
            ip(198, 18, 0, 1), ip(198, 19, 255, 1), ip(198, 51, 100, 7), ip(203, 0, 113, 9), ip(224, 0, 0, 1),
            ip(239, 255, 255, 250), ip(240, 0, 0, 1), ip(255, 255, 255, 255)}) {
            assertFalse(RandomPeers.isPublicV4(address), Integer.toHexString(address));
        }
    }

    @Test
    void knowsWhichIpv6PrefixesArePublic() {
        assertTrue(RandomPeers.isPublicV6High(0x2a00_1450_0000_0000L));
        assertTrue(RandomPeers.isPublicV6High(0x2600_0000_0000_0000L));
        assertFalse(RandomPeers.isPublicV6High(0x2001_0db8_0000_0000L), "documentation");
        assertFalse(RandomPeers.isPublicV6High(0x2001_0000_0000_0000L), "Teredo");
        assertFalse(RandomPeers.isPublicV6High(0x2002_0a00_0000_0000L), "6to4");
        assertFalse(RandomPeers.isPublicV6High(0x3fff_0000_0000_0000L), "documentation");
        assertFalse(RandomPeers.isPublicV6High(0xfd00_0000_0000_0000L), "unique local");
        assertFalse(RandomPeers.isPublicV6High(0xfe80_0000_0000_0000L), "link-local");
        assertFalse(RandomPeers.isPublicV6High(0xff02_0000_0000_0000L), "multicast");
        assertFalse(RandomPeers.isPublicV6High(0L), "loopback and unspecified");
    }

    @Test
    void drawsOnlyPublicAddressesInThePortRange() {
        Random random = new Random(5);
        RandomPeers peers = new RandomPeers(1, 5, 40000, 40010);
        for (int round = 0; round < 2000; round++) {
            AnnounceReply reply = new AnnounceReply(50);
            peers.mixInto(reply, 4, 50, random);
            assertTrue(reply.peers4Count >= 1 && reply.peers4Count <= 5, "count " + reply.peers4Count);
            for (int i = 0; i < reply.peers4Count; i++) {
                assertTrue(RandomPeers.isPublicV4(PeerRecord.v4Address(reply.peers4[i])));
                int port = PeerRecord.port(reply.peers4[i]);
                assertTrue(port >= 40000 && port <= 40010, "port " + port);
            }
            AnnounceReply reply6 = new AnnounceReply(50);
            peers.mixInto(reply6, 6, 50, random);
            assertTrue(reply6.peers6Count >= 1 && reply6.peers6Count <= 5);
            for (int i = 0; i < reply6.peers6Count; i++) {
                assertTrue(RandomPeers.isPublicV6High(reply6.peers6[3 * i]));
            }
        }
    }

    @Test
    void appliesToTheConfiguredShareOfReplies() {
        Random random = new Random(9);
        RandomPeers peers = new RandomPeers(0.3, 2, 1024, 65535);
        int mixed = 0;
        int draws = 20_000;
        for (int round = 0; round < draws; round++) {
            AnnounceReply reply = new AnnounceReply(50);
            peers.mixInto(reply, 4, 50, random);
            if (reply.peers4Count > 0) {
                mixed++;
            }
        }
        double share = (double) mixed / draws;
        assertTrue(share > 0.28 && share < 0.32, "share " + share);
    }

    @Test
    void neverExceedsNumwantAndReplacesRealPeersWhenTheReplyIsFull() {
        Random random = new Random(3);
        RandomPeers peers = new RandomPeers(1, 10, 1024, 65535);
        AnnounceReply reply = new AnnounceReply(50);
        for (int i = 0; i < 4; i++) {
            reply.peers4[reply.peers4Count++] = PeerRecord.v4(ip(10, 0, 0, i), 1, 0, 0);
        }
        peers.mixInto(reply, 4, 4, random);
        assertEquals(4, reply.peers4Count);
        int randomOnes = 0;
        for (int i = 0; i < 4; i++) {
            if (RandomPeers.isPublicV4(PeerRecord.v4Address(reply.peers4[i]))) {
                randomOnes++;
            }
        }
        assertTrue(randomOnes >= 1, "a full reply still carries random peers");
        AnnounceReply none = new AnnounceReply(50);
        peers.mixInto(none, 4, 0, random);
        assertEquals(0, none.peers4Count, "numwant=0 gets nothing");
    }

    @Test
    void countsBothFamiliesAgainstNumwant() {
        Random random = new Random(4);
        RandomPeers peers = new RandomPeers(1, 5, 1024, 65535);
        for (int round = 0; round < 200; round++) {
            AnnounceReply reply = new AnnounceReply(50);
            for (int i = 0; i < 30; i++) {
                reply.peers4[reply.peers4Count++] = PeerRecord.v4(ip(10, 0, 0, i), 1, 0, 0);
            }
            for (int i = 0; i < 20; i++) {
                reply.peers6[3 * reply.peers6Count] = 0xfd00_0000_0000_0000L;
                reply.peers6[3 * reply.peers6Count + 1] = i;
                reply.peers6[3 * reply.peers6Count++ + 2] = PeerRecord.tail(1, 0, 0);
            }
            peers.mixInto(reply, 4, 50, random);
            assertEquals(50, reply.peers4Count + reply.peers6Count);
            AnnounceReply onlyOther = new AnnounceReply(50);
            onlyOther.peers6Count = 50;
            peers.mixInto(onlyOther, 4, 50, random);
            assertEquals(0, onlyOther.peers4Count, "no room and nothing of its family to replace");
        }
    }

    @Test
    void isOffByDefaultAndRejectsNonsense() {
        Random random = new Random(1);
        AnnounceReply reply = new AnnounceReply(50);
        new RandomPeers(0, 0, 1024, 65535).mixInto(reply, 4, 50, random);
        assertEquals(0, reply.peers4Count);
        assertThrows(IllegalArgumentException.class, () -> new RandomPeers(1.5, 1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new RandomPeers(0.5, -1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new RandomPeers(0.5, 1, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> RandomPeers.parsePorts("a-b"));
        assertEquals(6881, RandomPeers.parsePorts("6881")[1]);
    }
}
