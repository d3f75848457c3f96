package dev.kubetracker.worker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TorrentTableTest {
    @Test
    void behavesLikeAMapUnderRandomInsertsAndRemovals() {
        TorrentTable table = new TorrentTable(42);
        Map<Long, Swarm> model = new HashMap<>();
        Random random = new Random(7);
        for (int op = 0; op < 200_000; op++) {
            long key = random.nextInt(5_000); // few keys: long probe runs, many deletions inside them
            if (random.nextInt(3) == 0) {
                table.remove(key, ~key, (int) key);
                model.remove(key);
            } else {
                Swarm s = table.getOrCreate(key, ~key, (int) key);
                Swarm expected = model.computeIfAbsent(key, k -> s);
                assertSame(expected, s);
            }
        }
        assertEquals(model.size(), table.size());
        for (long key = 0; key < 5_000; key++) {
            Swarm s = table.get(key, ~key, (int) key);
            if (model.containsKey(key)) {
                assertSame(model.get(key), s);
            } else {
                assertNull(s);
            }
        }
    }

    @Test
    void removingWhileIteratingRemovesExactlyTheChosenEntries() {
        TorrentTable table = new TorrentTable(1);
        for (long key = 0; key < 1000; key++) {
            table.getOrCreate(key, 0, 0).downloaded = (int) key;
        }
        table.removeIf((h, m, l, swarm) -> swarm.downloaded % 2 == 0);
        assertEquals(500, table.size());
        for (long key = 0; key < 1000; key++) {
            assertEquals(key % 2 == 1, table.get(key, 0, 0) != null);
        }
    }

    @Test
    void prefetchReadsTheSwarmALookupFinds() {
        TorrentTable table = new TorrentTable(42);
        for (long key = 0; key < 1_000; key++) {
            table.getOrCreate(key, ~key, (int) key).downloaded = (int) key + 1;
        }
        for (long key = 0; key < 1_000; key++) {
            assertEquals(key + 1, table.prefetch(key, ~key, (int) key));
        }
        assertEquals(0, table.prefetch(5_000, ~5_000L, 5_000));
    }

    @Test
    void hashesThatDifferInAnyOfTheirFiveIntsAreDifferentTorrents() {
        TorrentTable table = new TorrentTable(42);
        long high = 0x0123_4567_89AB_CDEFL;
        long middle = 0xFEDC_BA98_7654_3210L;
        int low = 0x1357_9BDF;
        Swarm base = table.getOrCreate(high, middle, low);
        long[][] others = {
            {high ^ 1L << 40, middle, low}, {high ^ 1, middle, low},
            {high, middle ^ 1L << 40, low}, {high, middle ^ 1, low},
            {high, middle, low ^ 1}};
        for (long[] other : others) {
            Swarm swarm = table.getOrCreate(other[0], other[1], (int) other[2]);
            assertNotSame(base, swarm);
            assertSame(swarm, table.get(other[0], other[1], (int) other[2]));
        }
        assertSame(base, table.get(high, middle, low));
        assertEquals(6, table.size());
        for (int slot = 0; slot < table.capacity(); slot++) {
            if (table.swarmAt(slot) == base) {
                assertEquals(high, table.highAt(slot));
                assertEquals(middle, table.middleAt(slot));
                assertEquals(low, table.lowAt(slot));
            }
        }
    }
}
