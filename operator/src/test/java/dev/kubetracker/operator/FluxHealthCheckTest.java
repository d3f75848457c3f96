package dev.kubetracker.operator;

import static dev.kubetracker.operator.SampleTrackers.READY;
import static dev.kubetracker.operator.SampleTrackers.READY_BUT_DEGRADED;
import static dev.kubetracker.operator.SampleTrackers.ROLLING_UPDATE;
import static dev.kubetracker.operator.SampleTrackers.tracker;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CEL health check of examples/gitops/flux-kustomization.yaml over sample Trackers, evaluated as
 * kustomize-controller does: the object's top-level fields are the variables; {@code failed} is tried
 * before {@code current}; neither true, or an expression that cannot run yet (no status), is in progress.
 */
class FluxHealthCheckTest {

    enum Health { CURRENT, FAILED, IN_PROGRESS }

    static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("apiVersion", SimpleType.DYN)
            .addVar("kind", SimpleType.DYN)
            .addVar("metadata", SimpleType.DYN)
            .addVar("spec", SimpleType.DYN)
            .addVar("status", SimpleType.DYN)
            .build();

    static JsonNode check() throws IOException {
        var docs = CrdSchema.YAML.readerFor(JsonNode.class)
                .readValues(Repo.root().resolve("examples/gitops/flux-kustomization.yaml").toFile());
        while (docs.hasNext()) {
            JsonNode doc = (JsonNode) docs.next();
            if ("Kustomization".equals(doc.path("kind").asText())) {
                JsonNode exprs = doc.at("/spec/healthCheckExprs");
                assertEquals(1, exprs.size(), exprs.toString());
                assertEquals("Tracker", exprs.get(0).path("kind").asText());
                assertEquals("kubetracker.dev/v1alpha1", exprs.get(0).path("apiVersion").asText());
                return exprs.get(0);
            }
        }
        throw new AssertionError("no Kustomization in flux-kustomization.yaml");
    }

    static boolean holds(String expression, Map<String, Object> object) {
        try {
            return Boolean.TRUE.equals(CEL.createProgram(CEL.compile(expression).getAst()).eval(object));
        } catch (Exception e) {
            return false; // a field not there yet: Flux keeps waiting
        }
    }

    static Health health(String trackerYaml) throws IOException {
        JsonNode check = check();
        Map<String, Object> object = new HashMap<>();
        CrdSchema.YAML.readTree(trackerYaml).fields()
                .forEachRemaining(e -> object.put(e.getKey(), CrdSchema.toCel(MissingNode.getInstance(), e.getValue())));
        if (holds(check.path("failed").asText(), object)) {
            return Health.FAILED;
        }
        return holds(check.path("current").asText(), object) ? Health.CURRENT : Health.IN_PROGRESS;
    }

    @Test
    void bothExpressionsCompile() throws Exception {
        JsonNode check = check();
        CEL.compile(check.path("failed").asText()).getAst();
        CEL.compile(check.path("current").asText()).getAst();
    }

    @Test
    void readyAtTheCurrentGenerationIsCurrent() throws IOException {
        assertEquals(Health.CURRENT, health(tracker(4, READY)));
    }

    @Test
    void readyForAnOlderGenerationIsInProgress() throws IOException {
        assertEquals(Health.IN_PROGRESS, health(tracker(5, READY)));
    }

    @Test
    void aRollingUpdateOrNoStatusIsInProgress() throws IOException {
        assertEquals(Health.IN_PROGRESS, health(tracker(6, ROLLING_UPDATE)));
        assertEquals(Health.IN_PROGRESS, health(tracker(1, "")));
    }

    @Test
    void degradedFailsEvenWhileTheWorkersAreReady() throws IOException {
        assertEquals(Health.FAILED, health(tracker(4, READY_BUT_DEGRADED)));
    }
}
