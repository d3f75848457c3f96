package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The chart's alerts pass Prometheus' own checks: {@code promtool check rules} on the rules file and
 * {@code promtool test rules} on its unit tests, which must fire every alert at least once.
 */
class AlertRulesTest {
    static final Path RULES = MonitoringChartTest.RULES;
    static final Path RULE_TESTS = RULES.resolveSibling("kubetracker.rules.test.yml");

    @Test
    void promtoolChecksTheRules() throws Exception {
        promtool("check", "rules", RULES.toString());
    }

    @Test
    void promtoolUnitTestsOfTheRulesPass() throws Exception {
        promtool("test", "rules", RULE_TESTS.toString());
    }

    @Test
    void everyAlertIsExpectedToFireInTheUnitTests() throws IOException {
        Set<String> alerts = new TreeSet<>();
        CrdSchema.YAML.readTree(RULES.toFile()).at("/groups").forEach(group -> group.path("rules")
                .forEach(rule -> alerts.add(rule.path("alert").asText())));
        Set<String> fired = new TreeSet<>();
        for (JsonNode test : CrdSchema.YAML.readTree(RULE_TESTS.toFile()).path("tests")) {
            for (JsonNode alertTest : test.path("alert_rule_test")) {
                if (!alertTest.path("exp_alerts").isEmpty()) {
                    fired.add(alertTest.path("alertname").asText());
                }
            }
        }
        assertTrue(alerts.size() >= 8, "alerts not found in " + RULES + ": " + alerts);
        assertEquals(alerts, fired);
    }

    private static void promtool(String... arguments) throws Exception {
        Prerequisites.require(onPath("promtool"), "promtool is not installed: apt-get install prometheus");
        String[] command = new String[arguments.length + 1];
        command[0] = "promtool";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Path output = Files.createTempFile("promtool", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            assertTrue(exited, "promtool did not finish within 60 s: " + Files.readString(output));
            assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + Files.readString(output));
        } finally {
            Files.delete(output);
        }
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).filter(s -> !s.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
