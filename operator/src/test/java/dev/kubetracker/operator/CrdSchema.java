package dev.kubetracker.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Tracker CRD's OpenAPI v3 schema, applied to a spec as the API server would: defaults first,
 * then the structural schema (types, ranges, enums, patterns; unknown fields rejected, as kubectl's
 * strict field validation does), then every x-kubernetes-validations CEL rule, compiled and run with
 * CEL-Java. Errors come back as "path: message".
 */
final class CrdSchema {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final JsonNode crd;
    final JsonNode specSchema;
    private final Schema strictSpecSchema;
    private final Cel cel = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .build();

    CrdSchema(JsonNode crd) {
        this.crd = crd;
        this.specSchema = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
        if (specSchema.isMissingNode()) {
            throw new IllegalArgumentException("no spec schema in the CRD");
        }
        JsonNode strict = specSchema.deepCopy();
        strictify(strict);
        strictSpecSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(strict);
    }

    static CrdSchema fromClasspath(String resource) throws IOException {
        try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " not on the classpath");
            }
            return new CrdSchema(YAML.readTree(in));
        }
    }

    /** Objects with declared properties accept no other field (a typo is an error, not silently pruned). */
    private static void strictify(JsonNode schema) {
        if (!(schema instanceof ObjectNode node)) {
            return;
        }
        if (node.has("properties") && !node.has("additionalProperties")
                && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            node.put("additionalProperties", false);
        }
        node.path("properties").forEach(CrdSchema::strictify);
        strictify(node.path("items"));
        strictify(node.path("additionalProperties"));
    }

    /** Errors of a Tracker's spec (empty when the API server would accept it). */
    List<String> validate(JsonNode spec) {
        JsonNode defaulted = withDefaults(spec);
        List<String> errors = new ArrayList<>();
        strictSpecSchema.validate(defaulted).forEach(e -> errors.add(
                "spec" + e.getInstanceLocation().toString().replace("/", ".") + ": " + e.getMessage()));
        if (errors.isEmpty()) {
            // the API server runs the CEL rules only on a structurally valid object
            runRules(specSchema, defaulted, null, "spec", errors);
        }
        return errors;
    }

    /**
     * Errors of an update from {@code oldSpec} to {@code newSpec}: as {@link #validate}, plus the transition
     * rules (those that name {@code oldSelf}), which the API server runs where the old object has a value.
     */
    List<String> validateUpdate(JsonNode oldSpec, JsonNode newSpec) {
        JsonNode defaulted = withDefaults(newSpec);
        List<String> errors = new ArrayList<>();
        strictSpecSchema.validate(defaulted).forEach(e -> errors.add(
                "spec" + e.getInstanceLocation().toString().replace("/", ".") + ": " + e.getMessage()));
        if (errors.isEmpty()) {
            runRules(specSchema, defaulted, withDefaults(oldSpec), "spec", errors);
        }
        return errors;
    }

    /** The spec as stored: every absent field with a default gets it (recursively, as structural defaulting). */
    JsonNode withDefaults(JsonNode spec) {
        JsonNode copy = spec.deepCopy();
        applyDefaults(specSchema, copy);
        return copy;
    }

    private static void applyDefaults(JsonNode schema, JsonNode value) {
        if (value instanceof ObjectNode obj) {
            Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
            while (props.hasNext()) {
                Map.Entry<String, JsonNode> p = props.next();
                if (!obj.has(p.getKey()) && p.getValue().has("default")) {
                    obj.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
                if (obj.has(p.getKey())) {
                    applyDefaults(p.getValue(), obj.get(p.getKey()));
                }
            }
        } else if (value instanceof ArrayNode arr && schema.has("items")) {
            arr.forEach(item -> applyDefaults(schema.get("items"), item));
        }
    }

    /** Every CEL rule of the schema, compiled (a rule that does not compile makes the API server refuse the CRD). */
    List<String> compileAllRules() {
        List<String> failures = new ArrayList<>();
        collectRules(crd.at("/spec/versions/0/schema/openAPIV3Schema"), "", failures, true);
        return failures;
    }

    List<String> allRules() {
        List<String> rules = new ArrayList<>();
        collectRules(crd.at("/spec/versions/0/schema/openAPIV3Schema"), "", rules, false);
        return rules;
    }

    private void collectRules(JsonNode schema, String path, List<String> out, boolean compile) {
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String expr = rule.path("rule").asText();
            if (compile) {
                try {
                    cel.compile(expr).getAst();
                } catch (Exception e) {
                    out.add(path + ": " + expr + ": " + e.getMessage());
                }
            } else {
                out.add(path + ": " + expr);
            }
        }
        Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
        while (props.hasNext()) {
            Map.Entry<String, JsonNode> p = props.next();
            collectRules(p.getValue(), path + "." + p.getKey(), out, compile);
        }
        if (schema.has("items")) {
            collectRules(schema.get("items"), path + "[]", out, compile);
        }
    }

    private void runRules(JsonNode schema, JsonNode value, JsonNode old, String path, List<String> errors) {
        if (absent(value)) {
            return;
        }
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String expr = rule.path("rule").asText();
            boolean transition = expr.contains("oldSelf");
            if (transition && absent(old)) {
                continue;
            }
            Object result;
            try {
                CelRuntime.Program program = cel.createProgram(cel.compile(expr).getAst());
                result = program.eval(transition
                        ? Map.of("self", toCel(schema, value), "oldSelf", toCel(schema, old))
                        : Map.of("self", toCel(schema, value)));
            } catch (Exception e) {
                errors.add(path + ": rule " + expr + " failed to run: " + e.getMessage());
                continue;
            }
            if (!Boolean.TRUE.equals(result)) {
                errors.add(path + rule.path("fieldPath").asText("") + ": " + rule.path("message").asText(expr));
            }
        }
        Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
        while (props.hasNext()) {
            Map.Entry<String, JsonNode> p = props.next();
            runRules(p.getValue(), value.get(p.getKey()), absent(old) ? null : old.get(p.getKey()),
                    path + "." + p.getKey(), errors);
        }
        if (schema.has("items") && value.isArray()) {
            // list items are not correlated with the old list (atomic lists): no transition rules below
            for (int i = 0; i < value.size(); i++) {
                runRules(schema.get("items"), value.get(i), null, path + "[" + i + "]", errors);
            }
        }
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** JSON to CEL values by the schema's types, as Kubernetes does (integer: int64, number: double). */
    static Object toCel(JsonNode schema, JsonNode value) {
        String type = schema.path("type").asText("");
        if (value.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            value.fields().forEachRemaining(e -> {
                JsonNode sub = schema.path("properties").has(e.getKey()) ? schema.path("properties").get(e.getKey())
                        : schema.path("additionalProperties");
                map.put(e.getKey(), toCel(sub, e.getValue()));
            });
            return map;
        }
        if (value.isArray()) {
            List<Object> list = new ArrayList<>();
            value.forEach(v -> list.add(toCel(schema.path("items"), v)));
            return list;
        }
        if (value.isNumber()) {
            return "number".equals(type) ? (Object) value.asDouble() : (Object) value.asLong();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        return value.asText();
    }
}
