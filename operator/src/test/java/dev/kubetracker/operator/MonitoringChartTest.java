package dev.kubetracker.operator;

import static dev.kubetracker.operator.CrdAndChartTest.ofKind;
import static dev.kubetracker.operator.CrdAndChartTest.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart ships the workers' Grafana dashboard and alerts from their committed files, unchanged:
 * the dashboard as a ConfigMap for Grafana's sidecar (on by default), the rules as a PrometheusRule
 * (off by default: it needs the Prometheus Operator's CRD).
 */
class MonitoringChartTest {
    static final Path DASHBOARD = CrdAndChartTest.chart().resolve("dashboards/kubetracker.json");
    /** The dashboard's variables, as every metric selector of a panel starts. */
    static final String SELECTION = "{namespace=~\"$namespace\", service=~\"$tracker\", pod=~\"$pod\"";
    static final Path RULES = CrdAndChartTest.chart().resolve("rules/kubetracker.rules.yml");

    @Test
    void dashboardConfigMapHoldsTheCommittedDashboardLabelledForGrafanasSidecar() throws IOException {
        List<JsonNode> configMaps = ofKind(render(Map.of()), "ConfigMap");
        assertEquals(1, configMaps.size());
        JsonNode configMap = configMaps.get(0);
        assertEquals("kt-kubetracker-dashboard", configMap.at("/metadata/name").asText());
        assertEquals(CrdAndChartTest.RELEASE_NS, configMap.at("/metadata/namespace").asText());
        assertEquals("1", configMap.at("/metadata/labels/grafana_dashboard").asText());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(DASHBOARD.toFile()), json.readTree(configMap.at("/data/kubetracker.json").asText()));
    }

    @Test
    void panelsHaveIdsOfTheirOwnAndFitTheGrid() throws IOException {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
            assertTrue(ids.add(panel.path("id").asInt()), "two panels have the id " + panel.path("id"));
            JsonNode grid = panel.path("gridPos");
            assertTrue(grid.path("x").asInt() + grid.path("w").asInt() <= 24, panel.path("title") + " is too wide");
        }
    }

    @Test
    void everyPanelQueryReadsOnlyTheChosenTrackerAndWorkers() throws IOException {
        Matcher metric = Pattern.compile("\\b(?:tracker|jvm)_\\w+(\\{[^}]*})?").matcher("");
        List<String> unfiltered = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                metric.reset(target.path("expr").asText());
                while (metric.find()) {
                    if (metric.group(1) == null || !metric.group(1).startsWith(SELECTION)) {
                        unfiltered.add(panel.path("title").asText() + ": " + metric.group());
                    }
                }
            }
        }
        assertEquals(List.of(), unfiltered, "queries that ignore the dashboard's variables");
    }

    @Test
    void dashboardGoesWhereAndWithTheLabelTheSidecarIsToldToLookFor() throws IOException {
        JsonNode configMap = ofKind(render(Map.of("grafanaDashboard.namespace", "monitoring",
                "grafanaDashboard.label", "dashboards", "grafanaDashboard.labelValue", "kubetracker",
                "grafanaDashboard.annotations.grafana_folder", "Trackers")), "ConfigMap").get(0);
        assertEquals("monitoring", configMap.at("/metadata/namespace").asText());
        assertEquals("kubetracker", configMap.at("/metadata/labels/dashboards").asText());
        assertEquals("Trackers", configMap.at("/metadata/annotations/grafana_folder").asText());
    }

    @Test
    void noDashboardWhenSwitchedOff() throws IOException {
        assertEquals(List.of(), ofKind(render(Map.of("grafanaDashboard.enabled", "false")), "ConfigMap"));
    }

    @Test
    void noPrometheusRuleByDefault() throws IOException {
        assertEquals(List.of(), ofKind(render(Map.of()), "PrometheusRule"));
    }

    @Test
    void prometheusRuleHoldsThePlainRulesWithTheLabelsPrometheusSelects() throws IOException {
        List<JsonNode> rules = ofKind(render(Map.of("prometheusRule.enabled", "true",
                "prometheusRule.labels.release", "kube-prometheus-stack")), "PrometheusRule");
        assertEquals(1, rules.size());
        JsonNode rule = rules.get(0);
        assertEquals("monitoring.coreos.com/v1", rule.path("apiVersion").asText());
        assertEquals("kube-prometheus-stack", rule.at("/metadata/labels/release").asText());
        assertEquals(CrdSchema.YAML.readTree(RULES.toFile()), rule.path("spec"));
    }
}
