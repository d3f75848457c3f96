package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** charts/kubetracker/README.md lists every value of the chart, and only those. */
class ChartReadmeTest {

    static final Pattern ROW = Pattern.compile("(?m)^\\| `([A-Za-z.]+)` \\| ([^|]+) \\| [^|]+\\|$");

    @Test
    void theValuesTableHasOneRowPerValueWithADefault() throws IOException {
        String readme = Files.readString(CrdAndChartTest.chart().resolve("README.md"));
        Matcher row = ROW.matcher(readme);
        List<String> listed = row.results().map(m -> m.group(1)).toList();
        assertEquals(List.copyOf(ChartValuesSchemaTest.values().keySet()), listed.stream().sorted().toList(),
                "the chart README's values table and values.yaml differ");
        row.reset().results().forEach(m -> assertTrue(!m.group(2).isBlank(), m.group(1) + " has no default"));
    }
}
