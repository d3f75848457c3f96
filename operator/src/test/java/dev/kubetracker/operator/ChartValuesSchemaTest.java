package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
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
