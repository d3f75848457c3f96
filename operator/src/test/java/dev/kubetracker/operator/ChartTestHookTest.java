package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart's {@code helm test} Pod: an announce check in the worker image, only when a Tracker is named. */
class ChartTestHookTest {

    static List<String> textList(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    static final String HOOK = "templates/tests/announce.yaml";

    @TempDir
    Path temp;

    /**
     * The test Pod as Helm renders it. helm-java's template returns the release manifest without its hooks
     * (the helm CLI prints them after it), so this renders a copy of the chart whose Pod is not a hook.
     */
    List<JsonNode> pods(Map<String, Object> values) throws IOException {
        Path copy = ChartCopy.in(temp);
        ChartCopy.replace(copy, HOOK, "    helm.sh/hook: test\n", "");
        return CrdAndChartTest.ofKind(CrdAndChartTest.render(copy, values), "Pod");
    }

    JsonNode testPod(Map<String, Object> values) throws IOException {
        List<JsonNode> pods = pods(values);
        assertEquals(1, pods.size(), pods.toString());
        return pods.get(0);
    }

    @Test
    void theTestPodIsAHelmTestHookRemovedWhenItPasses() throws IOException {
        String template = Files.readString(CrdAndChartTest.chart().resolve(HOOK));
        assertTrue(template.contains("\n    helm.sh/hook: test\n"), template);
        assertTrue(template.contains("\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n"), template);
    }

    @Test
    void noTestPodUntilATrackerServiceIsNamed() throws IOException {
        assertEquals(List.of(), pods(Map.of()));
    }

    @Test
    void theTestAnnouncesThroughTheNamedServiceInTheWorkerImage() throws IOException {
        JsonNode pod = testPod(Map.of("tests.trackerService", "tracker.torrents"));
        assertEquals("kubetracker-system", pod.at("/metadata/namespace").asText());
        assertEquals("Never", pod.at("/spec/restartPolicy").asText());
        JsonNode container = pod.at("/spec/containers/0");
        assertEquals("ghcr.io/kubetracker/kubetracker-worker:0.1.0-SNAPSHOT", container.path("image").asText(),
                "the worker image, already on the nodes: no other image to pull");
        List<String> command = textList(container.path("command"));
        assertEquals("java", command.get(0), "no shell in the image: the JVM is the command");
        assertEquals("dev.kubetracker.worker.check.AnnounceCheck", command.get(command.size() - 1));
        assertEquals(List.of("tracker.torrents", "6969", "tracker.torrents", "6969",
                "6b756265747261636b65722068656c6d20747374"), textList(container.path("args")));
        assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertTrue(pod.at("/spec/securityContext/runAsNonRoot").asBoolean());
    }

    @Test
    void splitServicesPortsAndTheHashAreTheUsers() throws IOException {
        JsonNode pod = testPod(Map.of("tests.trackerService", "tracker", "tests.udpService", "tracker-udp",
                "tests.httpPort", "8080", "tests.udpPort", "6881", "tests.infoHash", "0123456789abcdef0123456789abcdef01234567",
                "workerImage.tag", "1.2.3"));
        assertEquals(List.of("tracker", "8080", "tracker-udp", "6881", "0123456789abcdef0123456789abcdef01234567"),
                textList(pod.at("/spec/containers/0/args")));
        assertEquals("ghcr.io/kubetracker/kubetracker-worker:1.2.3", pod.at("/spec/containers/0/image").asText());
    }

    @Test
    void aHashThatIsNotFortyHexDigitsIsRefused() {
        Exception refused = assertThrows(Exception.class, () -> CrdAndChartTest.render(
                Map.of("tests.trackerService", "tracker", "tests.infoHash", "not-a-hash")));
        assertTrue(refused.getMessage().contains("infoHash"), refused.getMessage());
    }
}
