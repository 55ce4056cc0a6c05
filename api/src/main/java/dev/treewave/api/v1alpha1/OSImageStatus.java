package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the operator observed and decided. Written only by the operator's status aggregator; the
 * conditions follow kstatus ({@code Ready}, {@code Reconciling}, {@code Stalled}) plus {@code
 * Paused} and {@code Degraded}.
 */
@JsonClassDescription(
    "What the operator observed and decided: phase, target commit and version, node counts,"
        + " waves, blockers, the last failure, and kstatus conditions (Ready, Reconciling, Stalled,"
        + " Paused, Degraded). Written only by the operator.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OSImageStatus(
    @JsonPropertyDescription("The spec generation this status describes.") Long observedGeneration,
    @JsonPropertyDescription("Where the rollout stands.") OSImagePhase phase,
    @JsonPropertyDescription("The commit being rolled out (pinned, or resolved from the ref).")
        String targetCommit,
    @JsonPropertyDescription(
            "The target commit's version, as the first node that staged it" + " reported it.")
        String targetVersion,
    @JsonPropertyDescription("Index of the wave in progress (0 is the canary).")
        Integer currentWave,
    @JsonPropertyDescription("Node counts.") NodeCounts nodes,
    @JsonPropertyDescription("Per-wave membership and progress, in rollout order.")
        List<WaveStatus> waves,
    @JsonPropertyDescription("How nodes were ordered into waves, in words.") String order,
    @JsonPropertyDescription("Nodes that cannot be disrupted now, and why.")
        List<NodeIssue> blockers,
    @JsonPropertyDescription("The most recent node failure.") NodeIssue lastFailure,
    @JsonPropertyDescription("kstatus conditions.") List<Condition> conditions) {

  public List<WaveStatus> wavesOrEmpty() {
    return waves != null ? waves : List.of();
  }

  public List<Condition> conditionsOrEmpty() {
    return conditions != null ? conditions : List.of();
  }
}
