package dev.kubetracker.worker.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.logic.ClientLimits;
import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrackerStatsTest {
    private final SwarmStore store = new SwarmStore(16, 45, () -> 1000);
    private final RequestCounters counters = new RequestCounters();

    private TrackerStats named(String product) {
        return new TrackerStats(store, counters, "1.0", 1, ClientLimits.none(), product);
    }

    @ParameterizedTest
    @ValueSource(strings = {"peer", "torr", "conn", "tcp4", "udp4", "scrp", "fscr", "completed"})
    void textModesPrintTheConfiguredProductName(String mode) {
        String text = named("mytracker").render(mode);
        assertTrue(text.contains("mytracker"), text);
        assertFalse(text.contains("opentracker"), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "my tracker", "tracker\n"})
    void aProductNameThatIsNotOneWordIsRefusedNamingTheKey(String product) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> named(product));
        assertTrue(e.getMessage().startsWith("tracker.stats.product-name "), e.getMessage());
    }

    @Test
    void eachErrorReasonCountsUnderOneHttpErrorCodeAtMost() {
        for (ErrorReason reason : ErrorReason.values()) {
            List<OpentrackerHttpError> codes = new ArrayList<>();
            for (OpentrackerHttpError error : OpentrackerHttpError.values()) {
                if (error.counts(reason)) {
                    codes.add(error);
                }
            }
            assertTrue(codes.size() <= 1, reason + " is counted under " + codes);
        }
    }

    @Test
    void herrCountsHttpErrorsByCodeAndLeavesRefusalsOut() {
        counters.error(Protocol.HTTP, ErrorReason.BAD_INFO_HASH);
        counters.error(Protocol.HTTP, ErrorReason.MALFORMED_REQUEST);
        counters.error(Protocol.HTTP, ErrorReason.NOT_FOUND);
        counters.error(Protocol.HTTP, ErrorReason.TRACKER_FULL);
        counters.error(Protocol.UDP, ErrorReason.BAD_INFO_HASH);
        assertEquals("302 RED 0\n400 ... 0\n400 PAR 2\n400 COM 0\n403 IP  0\n404 INV 1\n500 SRV 0\n",
                named(TrackerStats.OPENTRACKER).render("herr"));
    }
}
