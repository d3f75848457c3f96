package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.bench.ReplicationModel.Bound;
import org.junit.jupiter.api.Test;

class ReplicationModelTest {
    private static final double EXACT = 1e-6;

    @Test
    void withoutReplicationCostsAClusterScalesWithPodsAndCores() {
        ReplicationModel free = new ReplicationModel(10_000, 0, 0, 0, false);
        assertEquals(100_000, free.clusterRate(1, 1), EXACT);
        assertEquals(20 * 8 * 100_000, free.clusterRate(20, 8), EXACT);
        assertThrows(IllegalStateException.class, () -> free.podsWhereGrowthStops(1, 0.1));
    }

    @Test
    void everyPodPaysForEveryOtherPodsChanges() {
        // 3 pods: per cluster announce each pod spends (local + send to 2 + 2 applies) / 3
        ReplicationModel model = new ReplicationModel(6_000, 300, 100, 1_000, false);
        double perAnnounce = (6_000 + 300 + 2 * 100 + 2 * 1_000) / 3.0;
        assertEquals(2 * 1e9 / perAnnounce, model.clusterRate(3, 2), EXACT);
        assertEquals(Bound.CORES, model.boundAt(3, 2));
    }

    @Test
    void theOneReceiverThreadBoundsAClusterOfManyCores() {
        ReplicationModel model = new ReplicationModel(5_000, 0, 0, 1_000, false);
        // 10 pods of 8 cores: the cores would take 8e9 / 1,400 ns; the receiver applies 9 of every 10 changes
        assertEquals(Bound.RECEIVER_THREAD, model.boundAt(10, 8));
        assertEquals(10 * 1e9 / (9 * 1_000), model.clusterRate(10, 8), EXACT);
        ReplicationModel spread = model.withMultiThreadedApply();
        assertEquals(Bound.CORES, spread.boundAt(10, 8));
        assertEquals(8 * 1e9 / 1_400, spread.clusterRate(10, 8), EXACT);
    }

    @Test
    void theOneSenderThreadBoundsWhenSendingDominates() {
        ReplicationModel model = new ReplicationModel(1_000, 0, 2_000, 0, false);
        assertEquals(Bound.SENDER_THREAD, model.boundAt(5, 8));
        assertEquals(5 * 1e9 / (4 * 2_000), model.clusterRate(5, 8), EXACT);
    }

    @Test
    void growthStopsWhereTheNextPodAddsLessThanATenthOfOnePod() {
        // one core: R(n) = 1e6 n / (n + 8), one pod alone 111,111/s; R(n+1) - R(n) = 8e6 / ((n + 9)(n + 8))
        ReplicationModel model = new ReplicationModel(9_000, 0, 0, 1_000, false);
        assertEquals(19, model.podsWhereGrowthStops(1, 0.1));
        assertTrue(model.clusterRate(19, 1) - model.clusterRate(18, 1) >= 0.1 * model.clusterRate(1, 1));
    }

    @Test
    void theTableMarksWhatBoundsEachCell() {
        String table = new ReplicationModel(5_000, 0, 0, 1_000, false).table(new int[] {1, 10}, new int[] {1, 8});
        assertTrue(table.startsWith("| pods | 1 core | 8 cores |\n|---|---|---|\n| 1 | 200,000 | 1,600,000 |\n"), table);
        assertTrue(table.contains("| 10 | 714,286 | 1,111,111 (r) |"), table);
        assertTrue(table.contains("| the next pod adds < 10% of one pod's rate from | "), table);
    }

    @Test
    void refusesCostsThatCannotBe() {
        assertThrows(IllegalArgumentException.class, () -> new ReplicationModel(0, 0, 0, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new ReplicationModel(1, -1, 0, 0, false));
    }
}
