package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart's values.schema.json: Helm refuses a value of the wrong type, in lint and at install. */
class ChartValuesSchemaTest {

    @TempDir
    Path temp;

    /** The chart with one line of values.yaml replaced. */
    Path chartWith(String defaultLine, String replacement) throws IOException {
        Path copy = ChartCopy.in(temp);
        ChartCopy.replace(copy, "values.yaml", "\n" + defaultLine + "\n", "\n" + replacement + "\n");
        return copy;
    }

    static JsonNode schema() throws IOException {
        return CrdSchema.YAML.readTree(CrdAndChartTest.chart().resolve("values.schema.json").toFile());
    }

    /**
     * Every value of values.yaml by its dotted path; a group the schema closes (no other keys) is walked
     * into, an open map (resources, labels, affinity) is one value.
     */
    static Map<String, JsonNode> values() throws IOException {
        Map<String, JsonNode> values = new TreeMap<>();
        walk("", CrdSchema.YAML.readTree(CrdAndChartTest.chart().resolve("values.yaml").toFile()), schema(), values);
        return values;
    }

    private static void walk(String prefix, JsonNode value, JsonNode schema, Map<String, JsonNode> into) {
        value.fields().forEachRemaining(e -> {
            String path = prefix + e.getKey();
            JsonNode property = schema.path("properties").path(e.getKey());
            if (e.getValue().isObject() && property.path("additionalProperties").isBoolean()
                    && !property.path("additionalProperties").asBoolean()) {
                walk(path + ".", e.getValue(), property, into);
            } else {
                into.put(path, property);
            }
        });
    }

    @Test
    void everyValueHasATypeInTheSchema() throws IOException {
        Map<String, JsonNode> values = values();
        assertTrue(values.containsKey("tests.infoHash"), values.keySet().toString());
        values.forEach((path, property) -> assertTrue(property.has("type") || property.has("$ref"),
                path + " has no type in values.schema.json"));
    }

    @Test
    void lintStrictPassesTheDefaults() throws IOException {
        LintResult result = new Helm(chartWith("replicaCount: 2", "replicaCount: 2")).lint().strict().call();
        assertFalse(result.isFailed(), String.join("\n", result.getMessages()));
    }

    @Test
    void lintStrictFailsOnAWordWhereANumberBelongs() throws IOException {
        LintResult result = new Helm(chartWith("replicaCount: 2", "replicaCount: \"two\"")).lint().strict().call();
        assertTrue(result.isFailed(), "lint passed replicaCount: \"two\"");
        assertTrue(String.join("\n", result.getMessages()).contains("replicaCount"), String.join("\n", result.getMessages()));
    }

    @Test
    void lintStrictFailsOnAStringWhereAListBelongs() throws IOException {
        LintResult result = new Helm(chartWith("watchNamespaces: []", "watchNamespaces: torrents")).lint().strict().call();
        assertTrue(result.isFailed(), "lint passed watchNamespaces: torrents");
    }

    @Test
    void installRefusesAWrongTypeAndAnUnknownChoice() {
        Exception wrongType = assertThrows(Exception.class,
                () -> CrdAndChartTest.render(Map.of("leaderElection.enabled", "maybe")));
        assertTrue(wrongType.getMessage().contains("leaderElection"), wrongType.getMessage());
        Exception unknown = assertThrows(Exception.class,
                () -> CrdAndChartTest.render(Map.of("logLevel", "VERBOSE")));
        assertTrue(unknown.getMessage().contains("logLevel"), unknown.getMessage());
        Exception typo = assertThrows(Exception.class,
                () -> CrdAndChartTest.render(Map.of("image.pullpolicy", "Always")));
        assertTrue(typo.getMessage().contains("pullpolicy"), typo.getMessage());
    }
}
