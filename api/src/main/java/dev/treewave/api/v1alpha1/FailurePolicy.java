package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * A node that fails its health gate is always rolled back on its own. This decides what happens to
 * the rollout once more than {@code maxFailedNodes} have failed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record FailurePolicy(
    @Default("Pause")
        @JsonPropertyDescription(
            "Pause: stop disrupting more nodes. Rollback: also roll back the nodes the failed"
                + " wave updated.")
        FailureAction action,
    @Default("0")
        @Min(0)
        @Max(Patterns.MAX_NODES)
        @JsonPropertyDescription("Failed nodes tolerated before the action applies.")
        Integer maxFailedNodes) {

  public static final FailurePolicy DEFAULT = new FailurePolicy(null, null);

  public FailureAction actionOrDefault() {
    return action != null ? action : FailureAction.Pause;
  }

  public int maxFailedNodesOrDefault() {
    return maxFailedNodes != null ? maxFailedNodes : 0;
  }
}
