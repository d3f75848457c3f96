package dev.kubetracker.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkersOnListTest {
    static final String NEW = "1".repeat(64);
    static final String OLD = "2".repeat(64);

    @Test
    void countsTheWorkersWhoseLoadedDigestIsTheConfigMapsDigest() {
        WorkersOnList report = WorkersOnList.of(NEW, Arrays.asList(NEW, OLD, NEW, null));
        assertEquals(3, report.reporting());
        assertEquals(2, report.onNewest());
        assertFalse(report.allOnNewest(4));
        assertTrue(WorkersOnList.of(NEW, Arrays.asList(NEW, NEW)).allOnNewest(2));
    }

    @Test
    void withoutADigestOfItsOwnTheOperatorCountsOnlyTheReportingWorkers() {
        WorkersOnList report = WorkersOnList.of(null, Arrays.asList(NEW, OLD));
        assertEquals(2, report.reporting());
        assertNull(report.onNewest());
        assertFalse(report.allOnNewest(2));
    }

    @Test
    void readsTheDigestFromAWorkersPrometheusText() {
        String metrics = "# TYPE tracker_access_list_info gauge\n"
                + "tracker_access_list_entries 3.0\n"
                + "tracker_access_list_info{digest=\"" + NEW + "\"} 1.0\n";
        assertEquals(NEW, WorkersOnList.digestIn(metrics));
        assertNull(WorkersOnList.digestIn("tracker_access_list_entries 0.0\n"));
        assertNull(WorkersOnList.digestIn("tracker_access_list_info{digest=\"not-hex\"} 1.0\n"));
    }
}
