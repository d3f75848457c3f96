package dev.kubetracker.worker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TombstonesTest {
    private static final int NOW = 1_000;

    @Test
    void manyStopsKeepOnlyTheNewestCapacityEntries() {
        Tombstones ring = new Tombstones();
        int stops = Tombstones.CAPACITY * 10;
        for (int peer = 1; peer <= stops; peer++) {
            ring.add(7, 8, 9, 4, peer, 0, 6881, NOW);
        }
        List<Long> kept = new ArrayList<>();
        ring.forEach(NOW, 60, (h, m, l, family, address4, high, low, port, flags, age) -> kept.add((long) address4));
        assertEquals(Tombstones.CAPACITY, kept.size(), "the ring holds no more than its capacity");
        for (int peer = stops - Tombstones.CAPACITY + 1; peer <= stops; peer++) {
            assertEquals(NOW, ring.minuteOf(7, 8, 9, 4, peer, 0, 6881), "peer " + peer + ", among the newest");
        }
        assertEquals(Integer.MIN_VALUE, ring.minuteOf(7, 8, 9, 4, 1, 0, 6881), "the oldest was pushed out");
    }

    @Test
    void aRepeatedStopMovesItsEntryForwardInsteadOfTakingAnother() {
        Tombstones ring = new Tombstones();
        ring.add(7, 8, 9, 4, 1, 0, 6881, NOW - 5);
        ring.add(7, 8, 9, 4, 1, 0, 6881, NOW);
        List<Integer> ages = new ArrayList<>();
        ring.forEach(NOW, 60, (h, m, l, family, address4, high, low, port, flags, age) -> ages.add(age));
        assertEquals(List.of(0), ages);
    }
}
