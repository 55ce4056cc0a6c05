package dev.treewave.crds;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import java.util.List;
import java.util.Map;

/**
 * The status conditions' schema as Kubernetes' own {@code metav1.Condition} has it: a list-map
 * keyed by {@code type} (so server-side apply merges one condition at a time and two entries of one
 * type are refused), {@code type} and {@code status} required, and a description on every field.
 * The api records keep fabric8's {@code Condition}, which carries none of this.
 */
final class Conditions {
  private static final Map<String, String> DESCRIPTIONS =
      Map.of(
          "type", "What the condition is about, e.g. Ready. At most one condition per type.",
          "status", "True, False or Unknown.",
          "reason", "A CamelCase word for why the condition has its status.",
          "message", "What happened, for people.",
          "lastTransitionTime", "RFC 3339: when status last changed.",
          "observedGeneration", "The metadata.generation the condition was computed from.");

  private Conditions() {}

  /** Finishes every {@code status.conditions} array below {@code root}. */
  static void finish(JSONSchemaProps root) {
    JSONSchemaProps status = root.getProperties().get("status");
    if (status == null || status.getProperties() == null) {
      return;
    }
    JSONSchemaProps conditions = status.getProperties().get("conditions");
    if (conditions == null) {
      return;
    }
    JSONSchemaProps item = conditions.getItems().getSchema();
    Map<String, JSONSchemaProps> fields = item.getProperties();
    if (!fields.keySet().containsAll(DESCRIPTIONS.keySet())) {
      throw new IllegalStateException(
          "status.conditions items are no Conditions: " + fields.keySet());
    }
    conditions.setXKubernetesListType("map");
    conditions.setXKubernetesListMapKeys(List.of("type"));
    item.setRequired(List.of("type", "status"));
    DESCRIPTIONS.forEach((name, text) -> fields.get(name).setDescription(text));
    fields.put(
        "status",
        new JSONSchemaPropsBuilder(fields.get("status"))
            .withEnum(
                List.of(
                    new com.fasterxml.jackson.databind.node.TextNode("True"),
                    new com.fasterxml.jackson.databind.node.TextNode("False"),
                    new com.fasterxml.jackson.databind.node.TextNode("Unknown")))
            .build());
  }
}
