package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD (crds/ and the chart's crds/) is what the model generates now, and the Helm chart
 * renders, with real Helm (helm-java), an operator that can run: RBAC for exactly what it touches,
 * settings the operator reads, and that CRD.
 */
class CrdAndChartTest {

    static final String CRD_FILE = "trackers.kubetracker.dev-v1.yml";

    static Path chart() {
        return Repo.root().resolve("charts/kubetracker");
    }

    @Test
    void committedCrdIsWhatTheModelGenerates() throws IOException {
        String generated = Files.readString(Repo.generatedCrd());
        String committed = Files.readString(Repo.root().resolve("crds").resolve(CRD_FILE));
        assertEquals(generated, committed, "crds/" + CRD_FILE + " is stale: copy "
                + "operator/target/classes/META-INF/fabric8/" + CRD_FILE + " to crds/ and charts/kubetracker/crds/");
    }

    @Test
    void chartCrdIsTheCommittedCrd() throws IOException {
        assertEquals(Files.readString(Repo.root().resolve("crds").resolve(CRD_FILE)),
                Files.readString(chart().resolve("crds").resolve(CRD_FILE)));
        try (var files = Files.list(chart().resolve("crds"))) {
            assertEquals(List.of(CRD_FILE), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void helmShowsTheCommittedCrd() throws IOException {
        String shown = new Helm(chart()).show().crds().call();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = CrdSchema.YAML.readerFor(JsonNode.class).readValues(shown)) {
            it.forEachRemaining(d -> {
                if (d != null && !d.isEmpty()) {
                    docs.add(d);
                }
            });
        }
        assertEquals(1, docs.size(), shown);
        assertEquals(CrdSchema.YAML.readTree(Repo.root().resolve("crds").resolve(CRD_FILE).toFile()), docs.get(0));
        assertEquals("trackers.kubetracker.dev", docs.get(0).at("/metadata/name").asText());
    }

    @Test
    void helmLintIsClean() {
        LintResult result = new Helm(chart()).lint().strict().call();
        assertFalse(result.isFailed(), String.join("\n", result.getMessages()));
    }

    static List<JsonNode> render(Map<String, Object> values) throws IOException {
        var command = new Helm(chart()).template().withName("kt").withNamespace("kubetracker-system");
        values.forEach(command::set);
        String yaml = command.call();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = CrdSchema.YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static Map<String, String> env(JsonNode deployment) {
        Map<String, String> env = new TreeMap<>();
        deployment.at("/spec/template/spec/containers/0/env")
                .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    @Test
    void defaultInstallWatchesEveryNamespaceWithLeastPrivilege() throws IOException {
        List<JsonNode> docs = render(Map.of());
        assertEquals(1, ofKind(docs, "ServiceAccount").size());
        assertEquals(1, ofKind(docs, "Deployment").size());
        assertEquals(List.of(), ofKind(docs, "Role"));
        assertEquals(2, ofKind(docs, "ClusterRole").size());
        assertEquals(2, ofKind(docs, "ClusterRoleBinding").size());

        // templates hold no CRD: Helm installs the one in crds/ (before the templates, never upgrading it)
        assertEquals(List.of(), ofKind(docs, "CustomResourceDefinition"));

        JsonNode deployment = ofKind(docs, "Deployment").get(0);
        assertEquals(1, deployment.at("/spec/replicas").asInt());
        assertEquals("Recreate", deployment.at("/spec/strategy/type").asText());
        assertEquals("ghcr.io/kubetracker/kubetracker-operator:0.1.0-SNAPSHOT", deployment.at("/spec/template/spec/containers/0/image").asText());
        assertEquals("/q/health/ready", deployment.at("/spec/template/spec/containers/0/readinessProbe/httpGet/path").asText());
        assertEquals("/q/health/live", deployment.at("/spec/template/spec/containers/0/livenessProbe/httpGet/path").asText());
        assertEquals(9000, deployment.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt());
        Map<String, String> env = env(deployment);
        assertEquals("ghcr.io/kubetracker/kubetracker-worker:0.1.0-SNAPSHOT", env.get("KUBETRACKER_OPERATOR_WORKER_IMAGE"));
        assertEquals("", env.get("KUBETRACKER_OPERATOR_NAMESPACES"));
        assertEquals("INFO", env.get("QUARKUS_LOG_LEVEL"));
        assertEquals(ofKind(docs, "ServiceAccount").get(0).at("/metadata/name").asText(),
                deployment.at("/spec/template/spec/serviceAccountName").asText());

        JsonNode role = ofKind(docs, "ClusterRole").stream()
                .filter(r -> !r.at("/metadata/name").asText().endsWith("-crd-check")).findFirst().orElseThrow();
        assertLeastPrivilege(role.path("rules"));
        JsonNode crdCheck = ofKind(docs, "ClusterRole").stream()
                .filter(r -> r.at("/metadata/name").asText().endsWith("-crd-check")).findFirst().orElseThrow();
        assertEquals("servicemonitors.monitoring.coreos.com", crdCheck.at("/rules/0/resourceNames/0").asText());
        assertEquals("[\"get\"]", crdCheck.at("/rules/0/verbs").toString());

        // the operator's metrics Service; no ServiceMonitor by default
        assertEquals(1, ofKind(docs, "Service").size());
        assertEquals(List.of(), ofKind(docs, "ServiceMonitor"));
    }

    /** Every verb the operator needs on what it touches, nothing more; no wildcards. */
    static void assertLeastPrivilege(JsonNode rules) {
        Map<String, Set<String>> granted = new TreeMap<>();
        for (JsonNode rule : rules) {
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) {
                    Set<String> verbs = granted.computeIfAbsent(group.asText() + "/" + resource.asText(), k -> new HashSet<>());
                    rule.path("verbs").forEach(v -> verbs.add(v.asText()));
                }
            }
        }
        assertFalse(rules.toString().contains("\"*\""), "wildcards in " + rules);
        Set<String> readOnly = Set.of("get", "list", "watch");
        Set<String> owned = Set.of("get", "list", "watch", "create", "update", "patch", "delete");
        Map<String, Set<String>> expected = new TreeMap<>();
        expected.put("kubetracker.dev/trackers", readOnly);
        expected.put("kubetracker.dev/trackers/status", Set.of("get", "patch", "update"));
        expected.put("kubetracker.dev/trackers/finalizers", Set.of("update"));
        expected.put("apps/statefulsets", owned);
        expected.put("/services", owned);
        expected.put("policy/poddisruptionbudgets", owned);
        expected.put("networking.k8s.io/networkpolicies", owned);
        expected.put("monitoring.coreos.com/servicemonitors", owned);
        expected.put("/secrets", Set.of("get", "list", "watch", "create", "patch"));
        expected.put("/configmaps", readOnly);
        assertEquals(expected, granted);
    }

    @Test
    void watchedNamespacesGetRolesNotAClusterRole() throws IOException {
        List<JsonNode> docs = render(Map.of("watchNamespaces[0]", "torrents", "watchNamespaces[1]", "mirrors",
                "logLevel", "DEBUG", "metrics.serviceMonitor.enabled", "true", "image.tag", "1.2.3"));
        List<JsonNode> roles = ofKind(docs, "Role");
        assertEquals(Set.of("torrents", "mirrors"),
                roles.stream().map(r -> r.at("/metadata/namespace").asText()).collect(Collectors.toSet()));
        roles.forEach(r -> assertLeastPrivilege(r.path("rules")));
        assertEquals(2, ofKind(docs, "RoleBinding").size());
        assertEquals(1, ofKind(docs, "ClusterRole").size(), "only the CRD check is cluster-wide");
        JsonNode deployment = ofKind(docs, "Deployment").get(0);
        Map<String, String> env = env(deployment);
        assertEquals("torrents,mirrors", env.get("KUBETRACKER_OPERATOR_NAMESPACES"));
        assertEquals("DEBUG", env.get("QUARKUS_LOG_LEVEL"));
        assertEquals("ghcr.io/kubetracker/kubetracker-operator:1.2.3", deployment.at("/spec/template/spec/containers/0/image").asText());
        JsonNode monitor = ofKind(docs, "ServiceMonitor").get(0);
        assertEquals("metrics", monitor.at("/spec/endpoints/0/port").asText());
        assertEquals("/q/metrics", monitor.at("/spec/endpoints/0/path").asText());
    }

    @Test
    void everyOperatorVariableOfTheChartIsASettingOfTheOperator() throws IOException {
        Set<String> settings = Arrays.stream(OperatorConfig.class.getDeclaredMethods())
                .filter(m -> m.getParameterCount() == 0 && !m.isDefault())
                .map(Method::getName)
                .map(n -> "KUBETRACKER_OPERATOR_" + n.replaceAll("([A-Z])", "_$1").toUpperCase(Locale.ROOT))
                .collect(Collectors.toSet());
        Map<String, String> env = env(ofKind(render(Map.of()), "Deployment").get(0));
        List<String> operatorVars = env.keySet().stream().filter(k -> k.startsWith("KUBETRACKER_")).toList();
        assertEquals(3, operatorVars.size(), operatorVars.toString());
        for (String name : operatorVars) {
            assertTrue(settings.contains(name), name + " is not one of " + settings);
        }
        assertNotNull(env.get("KUBETRACKER_OPERATOR_CLUSTER_DOMAIN"));
    }
}
