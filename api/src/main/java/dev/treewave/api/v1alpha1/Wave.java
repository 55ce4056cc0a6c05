package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** One wave: how many nodes, how many of them at once, and whether to stop afterwards. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "!has(self.nodes) || (type(self.nodes) == int ? self.nodes >= 1 && self.nodes <= "
            + Patterns.MAX_NODES
            + " : self.nodes in "
            + Patterns.PERCENTAGES
            + ")",
    message = "nodes " + Patterns.COUNT_OR_PERCENT_MESSAGE)
@ValidationRule(
    value =
        "!has(self.maxUnavailable) || (type(self.maxUnavailable) == int ? self.maxUnavailable >= 1 && self.maxUnavailable <= "
            + Patterns.MAX_NODES
            + " : self.maxUnavailable in "
            + Patterns.PERCENTAGES
            + ")",
    message = "maxUnavailable " + Patterns.COUNT_OR_PERCENT_MESSAGE)
public record Wave(
    @JsonPropertyDescription(
            "Node count, or percentage of the targeted nodes (rounded up). Default 1.")
        IntOrString nodes,
    @JsonPropertyDescription(
            "Nodes of this wave disrupted at once; never more than the rollout's"
                + " maxUnavailable.")
        IntOrString maxUnavailable,
    @JsonPropertyDescription("Pause after this wave completes.") Pause pauseAfter) {

  public static Wave of(int nodes) {
    return new Wave(new IntOrString(nodes), null, null);
  }

  public static Wave of(String percent) {
    return new Wave(new IntOrString(percent), null, null);
  }

  public Wave withPause(Pause pause) {
    return new Wave(nodes, maxUnavailable, pause);
  }

  public Wave withMaxUnavailable(IntOrString max) {
    return new Wave(nodes, max, pauseAfter);
  }
}
