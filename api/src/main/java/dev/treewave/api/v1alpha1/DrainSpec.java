package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Drain through the Eviction API, so PodDisruptionBudgets are respected. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "!has(self.timeout) || !self.timeout"
            + Patterns.IS_DURATION
            + " || (duration(self.timeout) >= duration('1s') && duration(self.timeout) <= duration('24h'))",
    fieldPath = ".timeout",
    message = "timeout must be from 1s to 24h: a drain that takes longer is stuck, not slow")
public record DrainSpec(
    @Default("10m")
        @Size(max = Patterns.DURATION_MAX_LENGTH)
        @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "How long a drain may take before onTimeout applies; 1s to 24h (longer hides a"
                + " stuck node).")
        String timeout,
    @Min(0)
        @Max(86400)
        @JsonPropertyDescription(
            "Grace period for evicted pods, at most a day; absent: each pod's own.")
        Long gracePeriodSeconds,
    @Default("false")
        @JsonPropertyDescription("Evict pods that use emptyDir volumes (their data is lost).")
        Boolean deleteEmptyDirData,
    @Default("true")
        @JsonPropertyDescription(
            "Leave DaemonSet pods running. When false, a DaemonSet pod blocks the drain.")
        Boolean skipDaemonSetPods,
    @Size(max = 16)
        @SchemaFrom(type = LabelSelectorSchema[].class)
        @JsonPropertyDescription("Pods matching any of these selectors are left running.")
        List<LabelSelector> skipPodSelectors,
    @Default("Uncordon")
        @JsonPropertyDescription(
            "Uncordon: give up on the node, uncordon it and report it. Force: delete the"
                + " remaining pods, ignoring PodDisruptionBudgets.")
        DrainTimeoutAction onTimeout) {

  public static final DrainSpec DEFAULT = new DrainSpec(null, null, null, null, null, null);

  public String timeoutOrDefault() {
    return timeout != null ? timeout : "10m";
  }

  public boolean deleteEmptyDirDataOrDefault() {
    return Boolean.TRUE.equals(deleteEmptyDirData);
  }

  public boolean skipDaemonSetPodsOrDefault() {
    return skipDaemonSetPods == null || skipDaemonSetPods;
  }

  public List<LabelSelector> skipPodSelectorsOrEmpty() {
    return skipPodSelectors != null ? skipPodSelectors : List.of();
  }

  public DrainTimeoutAction onTimeoutOrDefault() {
    return onTimeout != null ? onTimeout : DrainTimeoutAction.Uncordon;
  }
}
