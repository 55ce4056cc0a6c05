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
 * Optionally: pods on the node matching these selectors, in the named namespaces only, are Ready.
 * All must hold for {@code stablePeriod}, within {@code timeout} of the reboot instruction.
 *
 * <p>The namespaces are required with selectors: a selector alone would match pods in every
 * namespace, so any tenant who can create a pod with matching labels could fail a node's gate.
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
@ValidationRule(
    value =
        "!has(self.namespaces) || self.namespaces.all(n,"
            + " n.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'))",
    fieldPath = ".namespaces",
    message = "each namespace must be a DNS label (lower case, at most 63 characters)")
@ValidationRule(
    value = "!has(self.podSelectors) || size(self.podSelectors) == 0 || has(self.namespaces)",
    message =
        "health.podSelectors needs health.namespaces: the namespaces whose pods the health gate"
            + " may look at")
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
        @JsonPropertyDescription(
            "Pods on the node, in health.namespaces, matching any selector must be Ready.")
        List<LabelSelector> podSelectors,
    @Size(min = 1, max = 32)
        @JsonPropertyDescription(
            "The namespaces whose pods podSelectors match; required with podSelectors. Pods in"
                + " other namespaces never count, whatever their labels.")
        List<@Size(min = 1, max = 63) String> namespaces) {

  public static final HealthSpec DEFAULT = new HealthSpec(null, null, null, null);

  /** A gate on node readiness and the booted commit only, with no pod selectors. */
  public HealthSpec(String timeout, String stablePeriod) {
    this(timeout, stablePeriod, null, null);
  }

  public String timeoutOrDefault() {
    return timeout != null ? timeout : "15m";
  }

  public String stablePeriodOrDefault() {
    return stablePeriod != null ? stablePeriod : "30s";
  }

  public List<LabelSelector> podSelectorsOrEmpty() {
    return podSelectors != null ? podSelectors : List.of();
  }

  public List<String> namespacesOrEmpty() {
    return namespaces != null ? namespaces : List.of();
  }
}
