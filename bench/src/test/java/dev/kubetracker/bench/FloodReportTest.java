package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FloodReportTest {
    private static final long MIB = 1 << 20;

    private static TrackerSampler.Sample sample(double seconds, long rssMib, long torrents, long fullErrors) {
        return new TrackerSampler.Sample(seconds, rssMib * MIB, true,
                new TrackerMetrics(torrents * 100, 300 * MIB, torrents, torrents + 5, Map.of("tracker_full", fullErrors,
                        "rate_limited", 0L)));
    }

    private static final TrackerSampler.Sample DEAD = new TrackerSampler.Sample(4, -1, false, null);

    private static FloodReport report(double firstFull, List<List<TrackerSampler.Sample>> samples) {
        FloodReport.Answers flood = new FloodReport.Answers(1000, 500, 0, 1, 0, 7, 50, 100, 900);
        FloodReport.Answers good = new FloodReport.Answers(800, 0, 0, 0, 0, 0, 200, 80, 400);
        return new FloodReport("B", "127.0.0.1:6969", 64, 4, 1024 * MIB, flood, good, 1000, firstFull, -1,
                List.of(11L, 12L), samples);
    }

    private static final List<TrackerSampler.Sample> FLOODED = List.of(sample(0, 100, 0, 0), sample(1, 400, 3000, 0),
            sample(2, 700, 5000, 9), sample(3, 650, 5000, 90));

    @Test
    void whatTheTrackerHeldIsTheFirstSampleAtOrAfterTheFirstRefusal() {
        FloodReport r = report(1.5, List.of(FLOODED, FLOODED));
        TrackerSampler.Sample held = r.heldAt(r.firstFullSeconds());
        assertEquals(2, held.seconds());
        assertEquals(5000, held.metrics().torrents());
        assertEquals(700 * MIB, held.rssBytes());
        assertNull(r.heldAt(-1), "no refusal, nothing held");
        assertNull(r.heldAt(3.5), "a refusal after the last sample");
    }

    @Test
    void peakRssAndAliveArePerWorker() {
        List<TrackerSampler.Sample> died = List.of(sample(0, 100, 0, 0), sample(2, 900, 6000, 0), DEAD);
        FloodReport r = report(1.5, List.of(FLOODED, died));
        assertEquals(700 * MIB, r.peakRss(0));
        assertEquals(900 * MIB, r.peakRss(1));
        assertTrue(r.aliveToTheEnd(0));
        assertFalse(r.aliveToTheEnd(1));
        assertEquals(6000, r.lastMetrics(1).torrents(), "the last metrics read before the worker died");
    }

    @Test
    void jsonLineCarriesTheHeldStateTheAnswersAndEachWorker() {
        List<TrackerSampler.Sample> died = List.of(sample(0, 100, 0, 0), DEAD);
        String json = report(1.5, List.of(FLOODED, died)).toJson();
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(json);
        assertEquals(1.5, ((Number) root.get("first_full_s")).doubleValue());
        assertNull(root.get("first_rate_limited_s"));
        assertEquals(5000, ((Number) ((Map<?, ?>) root.get("at_first_full")).get("torrents")).longValue());
        assertEquals(500, ((Number) ((Map<?, ?>) root.get("flood")).get("full")).longValue());
        assertEquals(7, ((Number) ((Map<?, ?>) root.get("flood")).get("silent")).longValue());
        assertEquals(1000, ((Number) ((Map<?, ?>) root.get("well_behaved")).get("known_peers")).longValue());
        List<?> workers = (List<?>) root.get("workers");
        assertEquals(2, workers.size());
        Map<?, ?> first = (Map<?, ?>) workers.get(0);
        assertEquals(true, first.get("alive"));
        assertEquals(700.0 / 1024, ((Number) first.get("peak_rss_of_limit")).doubleValue(), 0.001);
        assertEquals(Map.of("tracker_full", 90L), first.get("errors"), "only the reasons that occurred");
        assertEquals(false, ((Map<?, ?>) workers.get(1)).get("alive"));
    }

    @Test
    void summaryNamesADeadWorker() {
        String text = report(-1, List.of(FLOODED, List.of(DEAD))).toText();
        assertTrue(text.contains("first 'tracker full': never"), text);
        assertTrue(text.contains("worker 2 (pid 12): DIED"), text);
        assertTrue(text.contains("worker 1 (pid 11): alive to the end, peak RSS 700 MiB (68% of the limit)"), text);
    }

    @Test
    void answersSplitErrorRepliesByKind() {
        Refusals refusals = new Refusals();
        refusals.record(Refusals.Kind.TRACKER_FULL, 1);
        refusals.record(Refusals.Kind.RATE_LIMITED, 2);
        refusals.record(Refusals.Kind.RATE_LIMITED, 3);
        RequestStats.Summary announces = new RequestStats.Summary("announce", 10, 4, 1, 2, 5, 1, 2, 3);
        FloodReport.Answers a = FloodReport.Answers.of(announces, refusals);
        assertEquals(1, a.full());
        assertEquals(2, a.rateLimited());
        assertEquals(1, a.otherErrors());
        assertEquals(2, a.silent());
        assertEquals(17, a.total());
    }
}
