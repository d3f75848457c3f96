package dev.kubetracker.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubetracker.operator.model.TrackerSpec;
import dev.kubetracker.operator.reconciler.AccessListCount;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated CRD's schema accepts the examples and rejects bad Trackers with a clear message:
 * structural checks (types, ranges, enums, patterns, unknown fields) and the CEL rules, run for real.
 */
class SchemaValidationTest {

    static CrdSchema schema;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void load() throws IOException {
        schema = new CrdSchema(CrdSchema.YAML.readTree(Files.readString(Repo.generatedCrd())));
    }

    static JsonNode spec(String yaml) {
        try {
            JsonNode node = CrdSchema.YAML.readTree(yaml);
            return node == null || node.isNull() || node.isMissingNode() ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void everyCelRuleCompiles() {
        assertTrue(schema.allRules().size() >= 10, "rules found: " + schema.allRules());
        assertEquals(List.of(), schema.compileAllRules());
    }

    @Test
    void examplesAreValid() throws IOException {
        Path examples = Repo.root().resolve("examples");
        int trackers = 0;
        int configMaps = 0;
        try (Stream<Path> files = Files.list(examples)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode doc = CrdSchema.YAML.readTree(file.toFile());
                switch (doc.path("kind").asText()) {
                    case "Tracker" -> {
                        assertEquals("kubetracker.dev/v1alpha1", doc.path("apiVersion").asText(), file.toString());
                        assertEquals(List.of(), schema.validate(doc.path("spec")), file.toString());
                        // and the operator reads it
                        JSON.treeToValue(schema.withDefaults(doc.path("spec")), TrackerSpec.class);
                        trackers++;
                    }
                    case "ConfigMap" -> {
                        ConfigMap cm = Serialization.unmarshal(Files.readString(file), ConfigMap.class);
                        for (String list : cm.getData().values()) {
                            AccessListCount count = AccessListCount.of(list);
                            assertTrue(count.entries() > 0, file + ": no entries");
                            assertEquals(0, count.malformedLines(), file + ": malformed lines");
                        }
                        configMaps++;
                    }
                    default -> throw new AssertionError(file + ": unexpected kind " + doc.path("kind"));
                }
            }
        }
        assertTrue(trackers >= 2, "Tracker examples: " + trackers);
        assertTrue(configMaps >= 1, "ConfigMap examples: " + configMaps);
    }

    @Test
    void theProductionExampleReferencesTheExampleConfigMap() throws IOException {
        JsonNode tracker = CrdSchema.YAML.readTree(Repo.root().resolve("examples/tracker-production.yaml").toFile());
        JsonNode cm = CrdSchema.YAML.readTree(Repo.root().resolve("examples/access-list-configmap.yaml").toFile());
        assertEquals(cm.at("/metadata/name").asText(), tracker.at("/spec/accessList/configMapName").asText());
        assertEquals(cm.at("/metadata/namespace").asText(), tracker.at("/metadata/namespace").asText());
        assertTrue(cm.path("data").has(tracker.at("/spec/accessList/key").asText()));
        assertEquals(3, tracker.at("/spec/replicas").asInt());
        assertEquals("whitelist", tracker.at("/spec/accessList/mode").asText());
        assertTrue(tracker.at("/spec/metrics/serviceMonitor").asBoolean());
    }

    @Test
    void schemaDefaultsAreTheOperatorsDefaults() throws IOException {
        // an empty spec, defaulted by the schema, reads as the Java model's defaults
        JsonNode defaulted = schema.withDefaults(JSON.createObjectNode());
        TrackerSpec fromSchema = JSON.treeToValue(defaulted, TrackerSpec.class);
        JsonNode a = JSON.valueToTree(fromSchema);
        JsonNode b = JSON.valueToTree(new TrackerSpec());
        assertEquals(b, a);
        assertEquals(2, defaulted.path("replicas").asInt());
        assertEquals("LoadBalancer", defaulted.at("/service/type").asText());
        assertEquals("Local", defaulted.at("/service/externalTrafficPolicy").asText());
        assertEquals(6969, defaulted.at("/http/port").asInt());
        assertEquals(6969, defaulted.at("/udp/port").asInt());
        assertEquals(6970, defaulted.at("/sync/port").asInt());
        assertEquals("off", defaulted.at("/accessList/mode").asText());
        assertEquals(List.of(), schema.validate(JSON.createObjectNode()));
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of("replicas: -1", "spec.replicas"),
                Arguments.of("replicas: 101", "spec.replicas"),
                Arguments.of("replicas: three", "spec.replicas"),
                Arguments.of("replica: 3", "replica"),
                Arguments.of("http: {port: 70000}", "spec.http.port"),
                Arguments.of("http: {port: 9000}", "management port"),
                Arguments.of("sync: {port: 9000}", "management port"),
                Arguments.of("sync: {port: 6969}", "sync.port must differ"),
                Arguments.of("udp: {port: 7000}\nsync: {port: 7000}", "sync.port must differ"),
                Arguments.of("http: {enabled: false}\nudp: {enabled: false}", "at least one of http and udp"),
                Arguments.of("service: {type: Ingress}", "spec.service.type"),
                Arguments.of("service: {type: ClusterIP, loadBalancerClass: example.com/lb}", "loadBalancerClass needs type LoadBalancer"),
                Arguments.of("service: {externalTrafficPolicy: Global}", "spec.service.externalTrafficPolicy"),
                Arguments.of("service: {mode: Both}", "spec.service.mode"),
                Arguments.of("service: {mode: Split}\nudp: {enabled: false}", "Split needs both http and udp"),
                Arguments.of("service: {type: NodePort, loadBalancerIP: 192.0.2.1}", "loadBalancerIP needs type LoadBalancer"),
                Arguments.of("service: {loadBalancerIP: my-address}", "spec.service.loadBalancerIP"),
                Arguments.of("drain: 11m", "drain must be at most 10m"),
                Arguments.of("drain: 15 seconds", "spec.drain"),
                Arguments.of("networkPolicy: {enabled: maybe}", "spec.networkPolicy.enabled"),
                Arguments.of("service: {ipFamilies: [IPv4, IPv4]}", "must not repeat"),
                Arguments.of("service: {ipFamilyPolicy: SingleStack, ipFamilies: [IPv4, IPv6]}", "SingleStack allows one"),
                Arguments.of("service: {ipFamilies: [IPv5]}", "spec.service.ipFamilies"),
                Arguments.of("announce: {interval: 30 minutes}", "spec.announce.interval"),
                Arguments.of("announce: {interval: 30s}", "interval must be between 1m and 2h"),
                Arguments.of("announce: {interval: 3h}", "interval must be between 1m and 2h"),
                Arguments.of("announce: {interval: 30m, minInterval: 40m}", "minInterval must not exceed interval"),
                Arguments.of("announce: {numwantDefault: 300, numwantMax: 200}", "numwantDefault must not exceed numwantMax"),
                Arguments.of("announce: {numwantMax: 5000}", "spec.announce.numwantMax"),
                Arguments.of("peerTimeout: 20m", "peerTimeout must be longer than announce.interval"),
                Arguments.of("peerTimeout: 5h", "peerTimeout must be between 1m and 4h"),
                Arguments.of("accessList: {mode: whitelist}", "needs configMapName"),
                Arguments.of("accessList: {mode: graylist, configMapName: x}", "spec.accessList.mode"),
                Arguments.of("accessList: {mode: blacklist, configMapName: Not_A_Name}", "spec.accessList.configMapName"),
                Arguments.of("accessList: {mode: blacklist, configMapName: x, key: 'a/b'}", "spec.accessList.key"),
                Arguments.of("accessList: {mode: blacklist, configMaps: []}", "needs configMapName or configMaps"),
                Arguments.of("accessList: {mode: blacklist, configMaps: [{keys: [a]}]}", "name"),
                Arguments.of("accessList: {mode: blacklist, configMaps: [{name: x, keys: ['a/b']}]}", "a key is 1 to 253"),
                Arguments.of("deniability: {probability: 0.5}", "needs maxPeers above 0"),
                Arguments.of("deniability: {probability: 1.5, maxPeers: 3}", "spec.deniability.probability"),
                Arguments.of("deniability: {ports: 1024}", "spec.deniability.ports"),
                Arguments.of("trustedProxies: [not-a-cidr]", "spec.trustedProxies"),
                Arguments.of("metrics: {serviceMonitor: yes-please}", "spec.metrics.serviceMonitor"),
                Arguments.of("imagePullPolicy: Sometimes", "spec.imagePullPolicy"),
                Arguments.of("image: 'has space'", "spec.image"));
    }

    @ParameterizedTest
    @MethodSource("badSpecs")
    void badSpecsAreRejected(String yaml, String expected) {
        List<String> errors = schema.validate(spec(yaml));
        assertFalse(errors.isEmpty(), "accepted: " + yaml);
        assertTrue(errors.stream().anyMatch(e -> e.contains(expected)), yaml + " -> " + errors);
    }

    @ParameterizedTest
    @MethodSource("goodSpecs")
    void goodSpecsAreAccepted(String yaml) {
        assertEquals(List.of(), schema.validate(spec(yaml)), yaml);
    }

    static Stream<String> goodSpecs() {
        return Stream.of(
                "",
                "replicas: 0",
                "http: {enabled: false}",
                "udp: {port: 6881}\nhttp: {port: 80}",
                "service: {type: ClusterIP, externalTrafficPolicy: Cluster}",
                "service: {type: LoadBalancer, loadBalancerClass: example.com/lb, ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv6, IPv4]}",
                "announce: {interval: 15m, minInterval: 15m}\npeerTimeout: 20m",
                "accessList: {mode: blacklist, configMapName: my.list, key: blacklist.txt}",
                "deniability: {probability: 0.25, maxPeers: 5, ports: 6881-6999}",
                "trustedProxies: [10.0.0.0/8, 'fd00::/8']",
                "metrics: {serviceMonitor: true, interval: 30s, labels: {release: prometheus}}");
    }

    @Test
    void validatorSeesAnUnknownNestedField() {
        ObjectNode spec = JSON.createObjectNode();
        spec.putObject("http").put("prot", 80);
        assertFalse(schema.validate(spec).isEmpty());
    }

    @Test
    void conditionsAreAListMapKeyedByTypeAsMetav1ConditionIs() {
        JsonNode conditions = schema.crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/status/properties/conditions");
        assertEquals("map", conditions.path("x-kubernetes-list-type").asText());
        assertEquals("[\"type\"]", conditions.path("x-kubernetes-list-map-keys").toString());
        JsonNode item = conditions.path("items");
        assertTrue(item.path("required").toString().contains("\"type\""), "a list-map key must be required");
        assertEquals("[\"True\",\"False\",\"Unknown\"]", item.at("/properties/status/enum").toString());
        assertEquals("date-time", item.at("/properties/lastTransitionTime/format").asText());
    }

    @Test
    void readyIsAPrinterColumnOfTheReadyCondition() {
        JsonNode columns = schema.crd.at("/spec/versions/0/additionalPrinterColumns");
        JsonNode ready = null;
        for (JsonNode c : columns) {
            if ("Ready".equals(c.path("name").asText())) {
                ready = c;
            }
        }
        assertTrue(ready != null, columns.toString());
        assertEquals(".status.conditions[?(@.type==\"Ready\")].status", ready.path("jsonPath").asText());
        assertEquals(0, ready.path("priority").asInt());
    }

    static Stream<Arguments> refusedUpdates() {
        return Stream.of(
                Arguments.of("service: {loadBalancerClass: a.example/lb}", "service: {loadBalancerClass: b.example/lb}",
                        "loadBalancerClass is immutable"),
                Arguments.of("service: {loadBalancerClass: a.example/lb}", "service: {}",
                        "only together with a change of type"),
                Arguments.of("service: {}", "service: {loadBalancerClass: a.example/lb}",
                        "only together with a change of type"),
                Arguments.of("service: {ipFamilies: [IPv4]}", "service: {ipFamilies: [IPv6]}", "ipFamilies is immutable"),
                Arguments.of("service: {ipFamilyPolicy: PreferDualStack, ipFamilies: [IPv4, IPv6]}",
                        "service: {ipFamilyPolicy: PreferDualStack, ipFamilies: [IPv6, IPv4]}", "ipFamilies is immutable"));
    }

    @ParameterizedTest
    @MethodSource("refusedUpdates")
    void immutableServiceFieldsCannotChange(String before, String after, String expected) {
        assertEquals(List.of(), schema.validate(spec(before)), before);
        assertEquals(List.of(), schema.validate(spec(after)), "valid on create: " + after);
        List<String> errors = schema.validateUpdate(spec(before), spec(after));
        assertTrue(errors.stream().anyMatch(e -> e.contains(expected)), before + " -> " + after + ": " + errors);
    }

    static Stream<Arguments> allowedUpdates() {
        return Stream.of(
                Arguments.of("service: {loadBalancerClass: a.example/lb}", "service: {loadBalancerClass: a.example/lb}\nreplicas: 5"),
                Arguments.of("service: {type: ClusterIP}", "service: {type: LoadBalancer, loadBalancerClass: a.example/lb}"),
                Arguments.of("service: {loadBalancerClass: a.example/lb}", "service: {type: ClusterIP}"),
                Arguments.of("service: {ipFamilies: [IPv6]}", "service: {ipFamilies: [IPv6], type: NodePort}"),
                Arguments.of("service: {}", "service: {ipFamilies: [IPv4]}"));
    }

    @ParameterizedTest
    @MethodSource("allowedUpdates")
    void otherServiceEditsPassTheTransitionRules(String before, String after) {
        assertEquals(List.of(), schema.validateUpdate(spec(before), spec(after)), before + " -> " + after);
    }
}
