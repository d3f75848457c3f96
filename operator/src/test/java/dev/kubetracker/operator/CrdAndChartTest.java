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
        return render(chart(), values);
    }

    static List<JsonNode> render(Path chart, Map<String, Object> values) throws IOException {
        var command = new Helm(chart).template().withName("kt").withNamespace("kubetracker-system");
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

    static final String RELEASE_NS = "kubetracker-system";

    static List<JsonNode> named(List<JsonNode> docs, String kind, String name) {
        return ofKind(docs, kind).stream().filter(d -> name.equals(d.at("/metadata/name").asText())).toList();
    }

    @Test
    void defaultInstallManagesTheReleaseNamespaceOnlyWithLeastPrivilege() throws IOException {
        List<JsonNode> docs = render(Map.of());
        assertEquals(1, ofKind(docs, "ServiceAccount").size());
        assertEquals(1, ofKind(docs, "Deployment").size());

        // templates hold no CRD: Helm installs the one in crds/ (before the templates, never upgrading it)
        assertEquals(List.of(), ofKind(docs, "CustomResourceDefinition"));

        JsonNode deployment = ofKind(docs, "Deployment").get(0);
        assertEquals("ghcr.io/kubetracker/kubetracker-operator:0.1.0-SNAPSHOT", deployment.at("/spec/template/spec/containers/0/image").asText());
        assertEquals("/q/health/ready", deployment.at("/spec/template/spec/containers/0/readinessProbe/httpGet/path").asText());
        assertEquals("/q/health/live", deployment.at("/spec/template/spec/containers/0/livenessProbe/httpGet/path").asText());
        assertEquals(9000, deployment.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt());
        Map<String, String> env = env(deployment);
        assertEquals("ghcr.io/kubetracker/kubetracker-worker:0.1.0-SNAPSHOT", env.get("KUBETRACKER_OPERATOR_WORKER_IMAGE"));
        assertEquals(RELEASE_NS, env.get("KUBETRACKER_OPERATOR_NAMESPACES"), "the release namespace, not every namespace");
        assertEquals("INFO", env.get("QUARKUS_LOG_LEVEL"));
        String sa = ofKind(docs, "ServiceAccount").get(0).at("/metadata/name").asText();
        assertEquals(sa, deployment.at("/spec/template/spec/serviceAccountName").asText());

        // the Tracker rules: a Role in the release namespace, bound to the operator; nothing cluster-wide but the CRD check
        JsonNode role = named(docs, "Role", "kt-kubetracker").get(0);
        assertEquals(RELEASE_NS, role.at("/metadata/namespace").asText());
        assertLeastPrivilege(role.path("rules"));
        JsonNode binding = named(docs, "RoleBinding", "kt-kubetracker").get(0);
        assertEquals(RELEASE_NS, binding.at("/metadata/namespace").asText());
        assertEquals("kt-kubetracker", binding.at("/roleRef/name").asText());
        assertEquals(sa, binding.at("/subjects/0/name").asText());
        assertEquals(1, ofKind(docs, "ClusterRole").size());
        assertEquals(1, ofKind(docs, "ClusterRoleBinding").size());
        JsonNode crdCheck = ofKind(docs, "ClusterRole").get(0);
        assertTrue(crdCheck.at("/metadata/name").asText().endsWith("-crd-check"));
        assertEquals("servicemonitors.monitoring.coreos.com", crdCheck.at("/rules/0/resourceNames/0").asText());
        assertEquals("[\"get\"]", crdCheck.at("/rules/0/verbs").toString());

        // the operator's metrics Service; no ServiceMonitor by default
        assertEquals(1, ofKind(docs, "Service").size());
        assertEquals(List.of(), ofKind(docs, "ServiceMonitor"));
    }

    @Test
    void twoOperatorPodsRollOneAtATimeAndMayHoldTheirLease() throws IOException {
        List<JsonNode> docs = render(Map.of());
        JsonNode deployment = ofKind(docs, "Deployment").get(0);
        assertEquals(2, deployment.at("/spec/replicas").asInt());
        assertEquals("RollingUpdate", deployment.at("/spec/strategy/type").asText());
        assertEquals(0, deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt());
        Map<String, String> env = env(deployment);
        assertEquals("true", env.get("KUBETRACKER_OPERATOR_LEADER_ELECTION"));
        String lease = env.get("KUBETRACKER_OPERATOR_LEASE_NAME");
        assertEquals(RELEASE_NS, env.get("KUBETRACKER_OPERATOR_LEASE_NAMESPACE"));

        // RBAC allows exactly what JOSDK's leader election does: create the Lease, get and renew that one
        JsonNode role = named(docs, "Role", "kt-kubetracker-leader-election").get(0);
        assertEquals(RELEASE_NS, role.at("/metadata/namespace").asText());
        Set<String> anyName = new HashSet<>();
        Set<String> thisName = new HashSet<>();
        for (JsonNode rule : role.path("rules")) {
            assertEquals("[\"coordination.k8s.io\"]", rule.path("apiGroups").toString());
            assertEquals("[\"leases\"]", rule.path("resources").toString());
            Set<String> into = rule.has("resourceNames") ? thisName : anyName;
            if (rule.has("resourceNames")) {
                assertEquals("[\"" + lease + "\"]", rule.path("resourceNames").toString());
            }
            rule.path("verbs").forEach(v -> into.add(v.asText()));
        }
        assertEquals(Set.of("create"), anyName);
        assertEquals(Set.of("get", "update"), thisName);
        JsonNode binding = named(docs, "RoleBinding", "kt-kubetracker-leader-election").get(0);
        assertEquals(ofKind(docs, "ServiceAccount").get(0).at("/metadata/name").asText(), binding.at("/subjects/0/name").asText());
    }

    @Test
    void withoutLeaderElectionOneOperatorIsRecreated() throws IOException {
        List<JsonNode> docs = render(Map.of("leaderElection.enabled", "false", "replicaCount", "1"));
        JsonNode deployment = ofKind(docs, "Deployment").get(0);
        assertEquals(1, deployment.at("/spec/replicas").asInt());
        assertEquals("Recreate", deployment.at("/spec/strategy/type").asText());
        assertEquals("false", env(deployment).get("KUBETRACKER_OPERATOR_LEADER_ELECTION"));
        assertEquals(List.of(), named(docs, "Role", "kt-kubetracker-leader-election"));
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> render(Map.of("leaderElection.enabled", "false")));
        assertTrue(refused.getMessage().contains("needs leaderElection.enabled"), refused.getMessage());
    }

    @Test
    void everyNamespaceIsAnExplicitChoiceWithAClusterRole() throws IOException {
        List<JsonNode> docs = render(Map.of("watchAllNamespaces", "true", "watchNamespaces[0]", "ignored"));
        assertEquals("", env(ofKind(docs, "Deployment").get(0)).get("KUBETRACKER_OPERATOR_NAMESPACES"));
        JsonNode role = named(docs, "ClusterRole", "kt-kubetracker").get(0);
        assertLeastPrivilege(role.path("rules"));
        JsonNode binding = named(docs, "ClusterRoleBinding", "kt-kubetracker").get(0);
        assertEquals("ClusterRole", binding.at("/roleRef/kind").asText());
        assertEquals(List.of(), named(docs, "Role", "kt-kubetracker"), "no namespaced Tracker Role beside it");
        assertEquals(1, named(docs, "Role", "kt-kubetracker-leader-election").size(), "the Lease stays namespaced");
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
        // Secrets: a plain create and the informer's list/watch (RBAC cannot select by label); no update, patch or delete
        expected.put("/secrets", Set.of("get", "list", "watch", "create"));
        expected.put("/configmaps", readOnly);
        // the worker pods, listed to poll their loaded access-list digests
        expected.put("/pods", Set.of("list"));
        expected.put("events.k8s.io/events", Set.of("create"));
        assertEquals(expected, granted);
    }

    @Test
    void watchedNamespacesGetRolesNotAClusterRole() throws IOException {
        List<JsonNode> docs = render(Map.of("watchNamespaces[0]", "torrents", "watchNamespaces[1]", "mirrors",
                "logLevel", "DEBUG", "metrics.serviceMonitor.enabled", "true", "image.tag", "1.2.3"));
        List<JsonNode> roles = named(docs, "Role", "kt-kubetracker");
        assertEquals(Set.of("torrents", "mirrors"),
                roles.stream().map(r -> r.at("/metadata/namespace").asText()).collect(Collectors.toSet()));
        roles.forEach(r -> assertLeastPrivilege(r.path("rules")));
        assertEquals(2, named(docs, "RoleBinding", "kt-kubetracker").size());
        assertEquals(1, ofKind(docs, "ClusterRole").size(), "only the CRD check is cluster-wide");
        JsonNode deployment = ofKind(docs, "Deployment").get(0);
        Map<String, String> env = env(deployment);
        assertEquals("torrents,mirrors", env.get("KUBETRACKER_OPERATOR_NAMESPACES"));
        assertEquals("DEBUG", env.get("QUARKUS_LOG_LEVEL"));
        // the operator's own pods, which the workers' NetworkPolicy admits to their management port
        assertEquals("kubetracker-system", env.get("KUBETRACKER_OPERATOR_OPERATOR_NAMESPACE"));
        assertEquals("app.kubernetes.io/name=kubetracker-operator,app.kubernetes.io/instance=kt",
                env.get("KUBETRACKER_OPERATOR_OPERATOR_POD_LABELS"));
        Map<String, String> podLabels = new TreeMap<>();
        deployment.at("/spec/template/metadata/labels").fields()
                .forEachRemaining(e -> podLabels.put(e.getKey(), e.getValue().asText()));
        assertEquals(podLabels, OperatorSettings.parseLabels(env.get("KUBETRACKER_OPERATOR_OPERATOR_POD_LABELS")));
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
        assertEquals(8, operatorVars.size(), operatorVars.toString());
        for (String name : operatorVars) {
            assertTrue(settings.contains(name), name + " is not one of " + settings);
        }
        assertNotNull(env.get("KUBETRACKER_OPERATOR_CLUSTER_DOMAIN"));
    }
}
