package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;

/**
 * How nodes are grouped and how many may be disrupted at once. Either explicit {@code waves}, or a
 * {@code canary} wave followed by the rest, {@code maxUnavailable} at a time.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "!has(self.waves) || !has(self.canary)",
    message = "set either waves or canary, not both")
@ValidationRule(
    value =
        "!has(self.maxUnavailable) || (type(self.maxUnavailable) == int ? self.maxUnavailable >= 1 && self.maxUnavailable <= "
            + Patterns.MAX_NODES
            + " : self.maxUnavailable in "
            + Patterns.PERCENTAGES
            + ")",
    message = "maxUnavailable " + Patterns.COUNT_OR_PERCENT_MESSAGE)
@ValidationRule(
    value =
        "!has(self.maxConcurrentStaging) || (type(self.maxConcurrentStaging) == int ?"
            + " self.maxConcurrentStaging >= 1 && self.maxConcurrentStaging <= "
            + Patterns.MAX_NODES
            + " : self.maxConcurrentStaging in "
            + Patterns.PERCENTAGES
            + ")",
    message = "maxConcurrentStaging " + Patterns.COUNT_OR_PERCENT_MESSAGE)
public record Rollout(
    @Size(min = 1, max = 16)
        @JsonPropertyDescription("Ordered waves. Nodes beyond the listed waves form one last wave.")
        List<Wave> waves,
    @JsonPropertyDescription(
            "Without waves: the first wave (default 1 node), then everything else.")
        Wave canary,
    @JsonPropertyDescription(
            "Most targeted nodes unavailable at once, for any reason (count or percent; default"
                + " 1).")
        IntOrString maxUnavailable,
    @Default("true")
        @JsonPropertyDescription(
            "Stage the commit on every targeted node before the first node is disrupted.")
        Boolean prefetch,
    @JsonPropertyDescription(
            "Most targeted nodes told to stage (download) at one time (count or percent; default"
                + " no limit), so a large fleet does not hit the repository all at once.")
        IntOrString maxConcurrentStaging) {

  public static final Rollout DEFAULT = new Rollout(null, null, null, null, null);

  public boolean prefetchOrDefault() {
    return prefetch == null || prefetch;
  }

  public IntOrString maxUnavailableOrDefault() {
    return maxUnavailable != null ? maxUnavailable : new IntOrString(1);
  }
}
