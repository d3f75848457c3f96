package dev.kubetracker.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.operator.model.TrackerSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class AccessListCheckTest {
    static final String A = "a".repeat(40);
    static final String B = "b".repeat(40);
    static final String C = "c".repeat(40);

    static String gzipBase64(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static ConfigMapBuilder labelled(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name)
                .addToLabels(TrackerResources.ACCESS_LIST_LABEL, "true").endMetadata();
    }

    static TrackerSpec.AccessList list(String configMapName, TrackerSpec.ConfigMapKeys... more) {
        TrackerSpec.AccessList list = new TrackerSpec.AccessList();
        list.setMode(TrackerSpec.AccessListMode.BLACKLIST);
        list.setConfigMapName(configMapName);
        list.setConfigMaps(List.of(more));
        return list;
    }

    static AccessListCheck check(TrackerSpec.AccessList list, ConfigMap... found) {
        Map<String, ConfigMap> byName = new java.util.HashMap<>();
        for (ConfigMap cm : found) {
            byName.put(cm.getMetadata().getName(), cm);
        }
        return AccessListCheck.of("blacklist", list, byName);
    }

    @Test
    void plainAndGzippedKeysOfSeveralConfigMapsAreCountedAsOneList() throws IOException {
        ConfigMap first = labelled("first").addToData("accesslist", A + "\nnot a hash\n").build();
        ConfigMap second = labelled("second").addToData("part1", B + "\n" + A + "\n")
                .addToBinaryData("part2.gz", gzipBase64(C + "\n")).build();
        AccessListCheck check = check(list("first", new TrackerSpec.ConfigMapKeys("second", List.of("part1", "part2.gz"))),
                first, second);
        assertNull(check.degradedReason(), String.valueOf(check.problems()));
        assertEquals(3, check.status().getEntries(), "A, B and C, A once");
        assertEquals(1, check.status().getMalformedLines());
        assertEquals("first", check.status().getConfigMapName());
        assertEquals(List.of("first", "second"), check.status().getConfigMaps());
    }

    @Test
    void aMissingConfigMapAmongSeveralIsNamedAndNothingIsCounted() {
        ConfigMap first = labelled("first").addToData("accesslist", A + "\n").build();
        AccessListCheck check = check(list(null, new TrackerSpec.ConfigMapKeys("first", null),
                new TrackerSpec.ConfigMapKeys("second", null)), first);
        assertEquals("AccessListMissing", check.degradedReason());
        assertTrue(check.problems().get(0).contains("second"), check.problems().toString());
        assertNull(check.status().getEntries(), "a partial count would look like the whole list");
    }

    @Test
    void aCorruptGzipIsDegradedAsUnreadable() {
        ConfigMap cm = labelled("cm").addToBinaryData("list.gz",
                Base64.getEncoder().encodeToString(new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3})).build();
        AccessListCheck check = check(list(null, new TrackerSpec.ConfigMapKeys("cm", List.of("list.gz"))), cm);
        assertEquals("AccessListUnreadable", check.degradedReason());
        assertNull(check.status().getEntries());
    }

    @Test
    void aGzipBombIsNotCountedButNotDegradedEither() throws IOException {
        String bomb = gzipBase64("0".repeat(AccessListCheck.MAX_COUNTED_BYTES + 1));
        ConfigMap cm = labelled("cm").addToBinaryData("list.gz", bomb).build();
        AccessListCheck check = check(list(null, new TrackerSpec.ConfigMapKeys("cm", List.of("list.gz"))), cm);
        assertNull(check.degradedReason(), String.valueOf(check.problems()));
        assertNull(check.status().getEntries(), "left to the workers' counts");
    }
}
