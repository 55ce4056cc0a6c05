package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * Schema only, never instantiated: the CRD shape of a {@link
 * io.fabric8.kubernetes.api.model.LabelSelector} field ({@code @SchemaFrom}), with the grammar the
 * API server applies to its own selectors and limits that keep the object, and the CEL rules over
 * it, small. The Java field stays a plain {@code LabelSelector}.
 */
@ValidationRule(
    value =
        "!has(self.matchLabels) || self.matchLabels.all(k, size(k) <= "
            + Patterns.LABEL_KEY_MAX_LENGTH
            + " && k.matches('"
            + Patterns.LABEL_KEY
            + "'))",
    fieldPath = ".matchLabels",
    message = LabelSelectorSchema.KEY_MESSAGE)
@ValidationRule(
    value =
        "!has(self.matchLabels) || self.matchLabels.all(k, self.matchLabels[k].matches('"
            + Patterns.LABEL_VALUE
            + "'))",
    fieldPath = ".matchLabels",
    message = LabelSelectorSchema.VALUE_MESSAGE)
public record LabelSelectorSchema(
    @Size(max = 16) @JsonPropertyDescription("Requirements on label values; all must hold.")
        List<Requirement> matchExpressions,
    @Size(max = 64) @JsonPropertyDescription("Labels that must have exactly these values.")
        Map<String, @Size(max = Patterns.LABEL_VALUE_MAX_LENGTH) String> matchLabels) {

  static final String KEY_MESSAGE =
      "label keys must be an optional DNS subdomain and '/', then a name of at most 63"
          + " letters, digits, '-', '_' or '.' that starts and ends with a letter or digit";

  static final String VALUE_MESSAGE =
      "label values must be empty or at most 63 letters, digits, '-', '_' or '.' that start"
          + " and end with a letter or digit";

  /** One {@code matchExpressions} entry. */
  @ValidationRule(
      value = "self.key.matches('" + Patterns.LABEL_KEY + "')",
      fieldPath = ".key",
      message = KEY_MESSAGE)
  @ValidationRule(
      value = "!has(self.values) || self.values.all(v, v.matches('" + Patterns.LABEL_VALUE + "'))",
      fieldPath = ".values",
      message = VALUE_MESSAGE)
  @ValidationRule(
      value =
          "self.operator in ['In', 'NotIn'] ? has(self.values) && size(self.values) > 0"
              + " : !has(self.values) || size(self.values) == 0",
      message = "values must be non-empty for In and NotIn, and empty for Exists and DoesNotExist")
  public record Requirement(
      @Required
          @Size(min = 1, max = Patterns.LABEL_KEY_MAX_LENGTH)
          @JsonPropertyDescription("The label key.")
          String key,
      @Required @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.") Operator operator,
      @Size(max = 64)
          @JsonPropertyDescription("Values for In and NotIn; empty for Exists and DoesNotExist.")
          List<@Size(max = Patterns.LABEL_VALUE_MAX_LENGTH) String> values) {}

  /** The operators the API server knows for label selectors. */
  public enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist
  }
}
