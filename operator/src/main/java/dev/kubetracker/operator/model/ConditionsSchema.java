package dev.kubetracker.operator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * Used by the CRD generator at build time only: {@code status.conditions} as metav1.Condition declares
 * it, a list-map keyed by {@code type} (so server-side apply merges conditions by type), the status enum
 * and an RFC 3339 transition time. (A JSON merge patch cannot say this: it replaces the nested maps.)
 */
public class ConditionsSchema implements SchemaCustomizer.Customizer {

    @Override
    public JSONSchemaProps apply(JSONSchemaProps status, String input, KubernetesSerialization serialization) {
        JSONSchemaProps conditions = status.getProperties().get("conditions");
        conditions.setXKubernetesListType("map");
        conditions.setXKubernetesListMapKeys(List.of("type"));
        JSONSchemaProps item = conditions.getItems().getSchema();
        item.setRequired(List.of("type", "status", "lastTransitionTime"));
        List<JsonNode> values = List.of(TextNode.valueOf("True"), TextNode.valueOf("False"), TextNode.valueOf("Unknown"));
        item.getProperties().get("status").setEnum(values);
        item.getProperties().get("lastTransitionTime").setFormat("date-time");
        return status;
    }
}
