package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private static final long NOW = 1_800_000_000_000L;

    private final LongAdder lost = new LongAdder();
    private final ReplayGuard guard = new ReplayGuard(lost);

    private void acceptAll(long sender, long... sequences) {
        for (long s : sequences) {
            assertTrue(guard.accept(sender, s, NOW), "sequence " + s);
        }
    }

    @Test
    void aGapIsLostOnceItLeavesTheWindow() {
        acceptAll(1, 1, 2, 4); // 3 missing, still inside the window: it may arrive late
        assertEquals(0, lost.sum());
        for (long s = 5; s <= 67; s++) {
            acceptAll(1, s);
        }
        assertEquals(1, lost.sum(), "3 left the window when 67 arrived");
        assertFalse(guard.accept(1, 3, NOW), "too late now");
        assertEquals(1, lost.sum(), "a late arrival is not counted twice");
    }

    @Test
    void reorderWithinTheWindowLosesNothing() {
        acceptAll(1, 1, 5, 3, 2, 4);
        for (long s = 6; s <= 200; s++) {
            acceptAll(1, s);
        }
        assertEquals(0, lost.sum());
    }

    @Test
    void repeatsAreRefusedAndLoseNothing() {
        acceptAll(1, 1, 2);
        assertFalse(guard.accept(1, 2, NOW));
        assertFalse(guard.accept(1, 1, NOW));
        acceptAll(1, 3);
        assertEquals(0, lost.sum());
    }

    @Test
    void aJumpPastTheWindowCountsEverySkippedSequence() {
        acceptAll(1, 1);
        acceptAll(1, 1001); // 2..1000 skipped: 2..937 left at once, 938..1000 are still in the window
        assertEquals(936, lost.sum());
        acceptAll(1, 2000);
        assertEquals(936 + 63 + 935, lost.sum(), "938..1000 left unseen, 1002..1936 skipped past the window");
    }

    @Test
    void aNewSenderLosesNothingBeforeItsFirstDatagram() {
        acceptAll(7, 500); // 1..499 were sent before this receiver met the sender
        for (long s = 501; s <= 700; s++) {
            acceptAll(7, s);
        }
        assertEquals(0, lost.sum());
        acceptAll(8, 1_000_000);
        acceptAll(8, 1_000_002);
        for (long s = 1_000_003; s <= 1_000_100; s++) {
            acceptAll(8, s);
        }
        assertEquals(1, lost.sum(), "only the second sender's 1,000,001");
    }

    @Test
    void theSenderTableStaysBoundedWhenEverySenderIsActive() {
        for (long sender = 1; sender <= 5_000; sender++) {
            assertTrue(guard.accept(sender, 1, NOW + sender), "sender " + sender);
        }
        assertEquals(1024, guard.senders());
        assertTrue(guard.accept(5_000, 2, NOW + 5_001), "the most recent sender is still known");
        assertFalse(guard.accept(5_000, 2, NOW + 5_002), "and its repeats refused");
    }

}
