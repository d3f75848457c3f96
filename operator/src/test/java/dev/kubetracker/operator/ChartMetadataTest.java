package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chart.yaml says where the chart comes from, and its Artifact Hub annotations agree with the chart. */
class ChartMetadataTest {

    static JsonNode chartYaml() throws IOException {
        return CrdSchema.YAML.readTree(CrdAndChartTest.chart().resolve("Chart.yaml").toFile());
    }

    /** An annotation whose value is YAML text, as Artifact Hub reads it. */
    static JsonNode annotation(String name) throws IOException {
        JsonNode text = chartYaml().at("/annotations/artifacthub.io~1" + name);
        assertTrue(text.isTextual(), "no annotation artifacthub.io/" + name);
        return CrdSchema.YAML.readTree(text.asText());
    }

    @Test
    void homeSourcesAndMaintainersAreGiven() throws IOException {
        JsonNode chart = chartYaml();
        assertTrue(chart.path("home").asText().startsWith("https://"), chart.toString());
        assertFalse(chart.path("sources").isEmpty(), "no sources");
        chart.path("sources").forEach(s -> assertTrue(s.asText().startsWith("https://"), s.asText()));
        assertFalse(chart.path("maintainers").isEmpty(), "no maintainers");
        chart.path("maintainers").forEach(m -> assertFalse(m.path("name").asText().isBlank(), m.toString()));
    }

    @Test
    void theListedImagesAreTheOnesTheChartDeploys() throws IOException {
        JsonNode deployment = CrdAndChartTest.ofKind(CrdAndChartTest.render(Map.of()), "Deployment").get(0);
        List<String> deployed = List.of(deployment.at("/spec/template/spec/containers/0/image").asText(),
                CrdAndChartTest.env(deployment).get("KUBETRACKER_OPERATOR_WORKER_IMAGE"));
        List<String> listed = annotation("images").findValuesAsText("image");
        assertEquals(deployed, listed);
    }

    @Test
    void theListedCrdIsTheChartsAndItsExampleIsValid() throws IOException {
        JsonNode crd = CrdSchema.YAML.readTree(CrdAndChartTest.chart().resolve("crds").resolve(CrdAndChartTest.CRD_FILE).toFile());
        JsonNode listed = annotation("crds").get(0);
        assertEquals(crd.at("/metadata/name").asText(), listed.path("name").asText());
        assertEquals(crd.at("/spec/names/kind").asText(), listed.path("kind").asText());
        assertEquals(crd.at("/spec/versions/0/name").asText(), listed.path("version").asText());

        JsonNode example = annotation("crdsExamples").get(0);
        assertEquals(crd.at("/spec/group").asText() + "/" + listed.path("version").asText(), example.path("apiVersion").asText());
        assertEquals(List.of(), new CrdSchema(crd).validate(example.path("spec")));
    }
}
