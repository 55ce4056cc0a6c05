package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * The gate after reboot. Always checked: the Node is Ready and its booted commit is the target.
 * Optionally: pods on the node matching these selectors are Ready. All must hold for {@code
 * stablePeriod}, within {@code timeout} of the reboot instruction.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "!has(self.timeout) || !self.timeout"
            + Patterns.IS_DURATION
            + " || (duration(self.timeout) >= duration('1s') && duration(self.timeout) <= duration('24h'))",
    fieldPath = ".timeout",
    message = "timeout must be from 1s to 24h")
@ValidationRule(
    value =
        "!has(self.stablePeriod) || !self.stablePeriod"
            + Patterns.IS_DURATION
            + " || (duration(self.stablePeriod) <= duration('24h'))",
    fieldPath = ".stablePeriod",
    message = "stablePeriod must be from 0s to 24h")
@ValidationRule(
    value =
        "!has(self.timeout) || !has(self.stablePeriod) || !self.timeout"
            + Patterns.IS_DURATION
            + " || !self.stablePeriod"
            + Patterns.IS_DURATION
            + " || duration(self.stablePeriod) < duration(self.timeout)",
    fieldPath = ".stablePeriod",
    message = "stablePeriod must be shorter than timeout, or no node could pass the health gate")
public record HealthSpec(
    @Default("15m")
        @Size(max = Patterns.DURATION_MAX_LENGTH)
        @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "Time from the activate instruction until the node must be healthy.")
        String timeout,
    @Default("30s")
        @Size(max = Patterns.DURATION_MAX_LENGTH)
        @Pattern(Patterns.DURATION)
        @JsonPropertyDescription("How long the node must stay healthy before it counts.")
        String stablePeriod,
    @Size(max = 16)
        @SchemaFrom(type = LabelSelectorSchema[].class)
        @JsonPropertyDescription("Pods on the node matching any selector must be Ready.")
        List<LabelSelector> podSelectors) {

  public static final HealthSpec DEFAULT = new HealthSpec(null, null, null);

  public String timeoutOrDefault() {
    return timeout != null ? timeout : "15m";
  }

  public String stablePeriodOrDefault() {
    return stablePeriod != null ? stablePeriod : "30s";
  }

  public List<LabelSelector> podSelectorsOrEmpty() {
    return podSelectors != null ? podSelectors : List.of();
  }
}
