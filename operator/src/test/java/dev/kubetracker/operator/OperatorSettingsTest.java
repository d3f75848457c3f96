package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

    @Test
    void podLabelsAreNameEqualsValuePairs() {
        assertEquals(Map.of("app", "op", "tier", "control"), OperatorSettings.parseLabels("app=op, tier=control"));
        assertEquals(Map.of(), OperatorSettings.parseLabels(""));
        var e = assertThrows(IllegalArgumentException.class, () -> OperatorSettings.parseLabels("app=op,tier"));
        assertTrue(e.getMessage().contains("'tier'"), e.getMessage());
    }

    @Test
    void theOperatorKnowsItsPodsOnlyWithANamespaceAndLabels() {
        assertFalse(new OperatorSettings("w:1", "cluster.local").knowsItsPods());
        assertFalse(new OperatorSettings("w:1", "cluster.local", "ops", Map.of()).knowsItsPods());
        assertTrue(new OperatorSettings("w:1", "cluster.local", "ops", Map.of("app", "op")).knowsItsPods());
    }
}
