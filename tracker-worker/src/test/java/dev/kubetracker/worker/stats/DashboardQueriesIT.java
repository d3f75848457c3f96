package dev.kubetracker.worker.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.cluster.LoopbackPorts;
import dev.kubetracker.worker.testing.RawHttp;
import dev.kubetracker.worker.testing.WorkerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every query of the Grafana dashboard the chart ships names metrics that a worker exports: two
 * syncing workers with an access list serve some traffic, and each metric name in the dashboard's
 * queries must be a sample name in {@code /q/metrics}.
 */
class DashboardQueriesIT {
    private static final Path DASHBOARD = Path.of("..", "charts", "kubetracker", "dashboards", "kubetracker.json");

    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$");
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS_AND_RANGES = Pattern.compile("\\{[^}]*}|\\[[^]]*]");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    /** An identifier that is no function call and no part of a number or a duration. */
    private static final Pattern NAME = Pattern.compile("(?<![\\w:.$])[a-zA-Z_:][\\w:]*\\b(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");

    @Test
    void everyDashboardQueryNamesAnExportedMetric() throws Exception {
        Map<String, Set<String>> namesByQuery = metricNamesByQuery(new JsonObject(Files.readString(DASHBOARD)));
        assertTrue(namesByQuery.size() > 20, "the dashboard's queries were not found: " + namesByQuery.keySet());

        Set<String> exported = exportedNames(scrapeAfterTraffic());
        Map<String, Set<String>> missing = new TreeMap<>();
        namesByQuery.forEach((query, names) -> names.stream().filter(n -> !exported.contains(n))
                .forEach(n -> missing.computeIfAbsent(n, k -> new TreeSet<>()).add(query)));
        assertEquals(Map.of(), missing, "metrics the dashboard queries but the worker does not export");
    }

    @Test
    void metricNamesLeaveOutFunctionsLabelsAndGroupings() {
        assertEquals(Set.of("a_total", "b_bytes"), metricNames(
                "sum by (pod, le) (rate(a_total{x=\"y_total\", pod=~\"$pod\"}[$__rate_interval])) "
                        + "/ on (pod) group_left (role) max without (z) (b_bytes offset 5m) > bool 0.5"));
        assertEquals(Set.of("tracker_torrents"),
                metricNames("label_values(tracker_torrents{namespace=~\"$namespace\"}, service)"));
    }

    private static String scrapeAfterTraffic() throws Exception {
        int[] ports = LoopbackPorts.freeBlock(6);
        Path dir = Files.createDirectories(Path.of("target", "it-dashboard").toAbsolutePath());
        Path clusterKey = Files.writeString(dir.resolve("cluster.key"), "dashboard integration test secret");
        Path blacklist = Files.writeString(dir.resolve("blacklist"), "ff".repeat(20) + "\n");
        WorkerProcess[] workers = new WorkerProcess[2];
        try {
            for (int i = 0; i < 2; i++) {
                Map<String, String> p = WorkerProcess.loopbackClusterMember(new int[] {ports[0], ports[1]},
                        new int[] {ports[2], ports[3]}, i, clusterKey);
                p.put("tracker.access-list.mode", "blacklist");
                p.put("tracker.access-list.file", blacklist.toString());
                // a small young generation: start-up alone runs collections, so the GC pause meters exist
                workers[i] = new WorkerProcess("dashboard-worker-" + (i + 1), ports[4 + i], p, List.of("-Xmn2m"))
                        .start();
            }
            WorkerProcess.awaitAllReady(60_000, workers);
            String hash = RawHttp.percentEncode("dashboard query test".getBytes(StandardCharsets.US_ASCII));
            RawHttp.get("127.0.0.1", ports[0], "/announce?info_hash=" + hash
                    + "&peer_id=-KT0001-abcdefghijkl&port=6881&left=0&event=completed");
            RawHttp.get("127.0.0.1", ports[0], "/scrape?info_hash=" + hash);
            return workers[0].metrics();
        } finally {
            WorkerProcess.closeAll(workers);
        }
    }

    private static Set<String> exportedNames(String prometheusText) {
        Set<String> names = new TreeSet<>();
        for (String line : prometheusText.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** Each query of the panels and the template variables, with the metric names it reads. */
    private static Map<String, Set<String>> metricNamesByQuery(JsonObject dashboard) {
        Map<String, Set<String>> byQuery = new LinkedHashMap<>();
        collectPanelQueries(dashboard.getJsonArray("panels"), byQuery);
        for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
            JsonObject variable = (JsonObject) v;
            if ("query".equals(variable.getString("type"))) {
                byQuery.put(variable.getString("query"), metricNames(variable.getString("query")));
            }
        }
        return byQuery;
    }

    private static void collectPanelQueries(JsonArray panels, Map<String, Set<String>> byQuery) {
        for (Object p : panels) {
            JsonObject panel = (JsonObject) p;
            for (Object t : panel.getJsonArray("targets", new JsonArray())) {
                String expr = ((JsonObject) t).getString("expr");
                byQuery.put(expr, metricNames(expr));
            }
            collectPanelQueries(panel.getJsonArray("panels", new JsonArray()), byQuery); // in collapsed rows
        }
    }

    /** The metric names a PromQL query reads (not functions, label names, label values or keywords). */
    static Set<String> metricNames(String query) {
        Matcher labelValues = LABEL_VALUES.matcher(query);
        String q = labelValues.matches() ? labelValues.group(1) : query;
        q = STRINGS.matcher(q).replaceAll(" ");
        q = MATCHERS_AND_RANGES.matcher(q).replaceAll(" ");
        q = LABEL_LISTS.matcher(q).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(q);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group().toLowerCase())) {
                names.add(m.group());
            }
        }
        return names;
    }
}
