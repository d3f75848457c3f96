package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TorrentModelTest {
    private final TorrentModel model = new TorrentModel(1_000_000, 2_000_000, 64, 1.0, 0.75, 42);

    @Test
    void popularityHasAFewHotTorrentsAndALongTail() {
        int[] perRank = new int[1_000_000];
        int samples = 200_000;
        for (int p = 0; p < samples; p++) {
            perRank[model.torrentOf(p)]++;
        }
        // Zipf with exponent 1 over a million torrents: the hottest holds ln 2 / ln(n+1), about 5%.
        double hottest = perRank[0] / (double) samples;
        assertTrue(hottest > 0.04 && hottest < 0.06, "hottest torrent share " + hottest);
        int top100 = 0;
        for (int r = 0; r < 100; r++) {
            top100 += perRank[r];
        }
        assertTrue(top100 / (double) samples > 0.3, "the top 100 torrents hold a third of the peers");
        int distinct = 0;
        for (int count : perRank) {
            distinct += count > 0 ? 1 : 0;
        }
        assertTrue(distinct > 20_000, "a long tail of torrents with one peer: " + distinct);
    }

    @Test
    void rankForCoversTheWholeRangeForEveryExponent() {
        for (double exponent : new double[] {0, 0.5, 1, 1.5}) {
            TorrentModel m = new TorrentModel(1000, 10, 1, exponent, 0.75, 1);
            assertEquals(0, m.rankFor(0));
            assertEquals(999, m.rankFor(Math.nextDown(1.0)));
            int previous = 0;
            for (double u = 0; u < 1; u += 0.001) {
                int rank = m.rankFor(u);
                assertTrue(rank >= previous, "the inverse CDF does not decrease");
                previous = rank;
            }
        }
        TorrentModel uniform = new TorrentModel(1000, 10, 1, 0, 0.75, 1);
        assertEquals(500, uniform.rankFor(0.5));
    }

    @Test
    void aboutThreeQuartersOfPeersSeed() {
        int seeders = 0;
        for (int p = 0; p < 100_000; p++) {
            seeders += model.isSeeder(p) ? 1 : 0;
        }
        assertEquals(0.75, seeders / 100_000.0, 0.01);
        TorrentModel none = new TorrentModel(10, 10, 1, 1, 0, 1);
        TorrentModel all = new TorrentModel(10, 10, 1, 1, 1, 1);
        for (int p = 0; p < 10; p++) {
            assertTrue(!none.isSeeder(p) && all.isSeeder(p));
        }
    }

    @Test
    void everyPeerHasItsOwnAddressAndPort() {
        Set<Long> endpoints = new HashSet<>();
        int counted = 0;
        for (int s = 0; s < model.sources(); s++) {
            for (int k = 0; k < model.peersOfSource(s); k++) {
                int peer = model.peerOfSource(s, k);
                assertEquals(s, model.sourceOf(peer));
                int port = model.portOf(peer);
                assertTrue(port >= 1024 && port <= 65535);
                endpoints.add(((long) s << 16) | port);
                counted++;
            }
        }
        assertEquals(model.peers(), counted);
        assertEquals(model.peers(), endpoints.size());
    }

    @Test
    void tooFewSourcesForThePeersIsRefused() {
        assertEquals(32, TorrentModel.minimumSources(2_000_000)); // 64,511 ports per address
        assertThrows(IllegalArgumentException.class, () -> new TorrentModel(10, 2_000_000, 31, 1, 0.75, 1));
        new TorrentModel(10, 2_000_000, 32, 1, 0.75, 1);
    }

    @Test
    void sourceAddressesAreLoopbackWithoutZeroOrBroadcastOctets() {
        assertArrayEquals(new byte[] {127, 1, 1, 1}, TorrentModel.sourceAddress(0));
        assertArrayEquals(new byte[] {127, 1, 1, (byte) 250}, TorrentModel.sourceAddress(249));
        assertArrayEquals(new byte[] {127, 1, 2, 1}, TorrentModel.sourceAddress(250));
        assertThrows(IllegalArgumentException.class, () -> TorrentModel.sourceAddress(TorrentModel.MAX_SOURCES));
    }

    @Test
    void infoHashesAreStableDistinctAndMatchTheirHex() {
        Set<String> seen = new HashSet<>();
        byte[] bytes = new byte[20];
        char[] hex = new char[40];
        for (int r = 0; r < 10_000; r++) {
            model.infoHash(r, bytes, 0);
            model.hexInfoHash(r, hex);
            StringBuilder expected = new StringBuilder();
            for (byte b : bytes) {
                expected.append(String.format("%02x", b & 0xFF));
            }
            assertEquals(expected.toString(), new String(hex));
            assertTrue(seen.add(expected.toString()));
        }
        byte[] again = new byte[20];
        new TorrentModel(5, 5, 1, 1, 0.75, 42).infoHash(3, again, 0);
        model.infoHash(3, bytes, 0);
        assertArrayEquals(bytes, again, "the hash depends on the rank and seed only");
        new TorrentModel(5, 5, 1, 1, 0.75, 43).infoHash(3, again, 0);
        assertNotEquals(new String(bytes), new String(again));
    }

    @Test
    void hashesSpreadOverTheTrackersShards() {
        int[] shards = new int[1024];
        for (int r = 0; r < 102_400; r++) {
            shards[(int) (model.hashHigh(r) >>> 54)]++;
        }
        for (int count : shards) {
            assertTrue(count > 40 && count < 180, "a shard holds " + count + " of 100 expected");
        }
    }
}
