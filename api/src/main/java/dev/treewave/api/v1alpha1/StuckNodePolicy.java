package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Deadlines after which a node that makes no progress counts as stuck, and what then happens. The
 * drain and health deadlines are {@code spec.drain.timeout} and {@code spec.health.timeout}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "!has(self.stageTimeout) || !self.stageTimeout"
            + Patterns.IS_DURATION
            + " || (duration(self.stageTimeout) >= duration('1s') && duration(self.stageTimeout) <= duration('168h'))",
    fieldPath = ".stageTimeout",
    message = "stageTimeout must be from 1s to 168h (a week)")
@ValidationRule(
    value =
        "!has(self.agentSilenceTimeout) || !self.agentSilenceTimeout"
            + Patterns.IS_DURATION
            + " || (duration(self.agentSilenceTimeout) >= duration('1s') && duration(self.agentSilenceTimeout) <= duration('24h'))",
    fieldPath = ".agentSilenceTimeout",
    message = "agentSilenceTimeout must be from 1s to 24h")
public record StuckNodePolicy(
    @Default("30m")
        @Size(max = Patterns.DURATION_MAX_LENGTH)
        @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "Time from the Stage instruction until the node must have staged the commit.")
        String stageTimeout,
    @Default("10m")
        @Size(max = Patterns.DURATION_MAX_LENGTH)
        @Pattern(Patterns.DURATION)
        @JsonPropertyDescription(
            "A node whose agent has not reported (status.lastSeen) for this long is stuck"
                + " (AgentSilent; AgentMissing when it never reported). Must be longer than the"
                + " agents' heartbeat (2m by default).")
        String agentSilenceTimeout,
    @Default("Stop")
        @JsonPropertyDescription(
            "Stop: disrupt no more nodes while one is stuck; the rollout goes on by itself once"
                + " the cause is gone. Skip: give up on the node (skipped, counted against"
                + " failurePolicy.maxFailedNodes) and go on.")
        StuckNodeAction action) {

  public static final StuckNodePolicy DEFAULT = new StuckNodePolicy(null, null, null);

  public String stageTimeoutOrDefault() {
    return stageTimeout != null ? stageTimeout : "30m";
  }

  public String agentSilenceTimeoutOrDefault() {
    return agentSilenceTimeout != null ? agentSilenceTimeout : "10m";
  }

  public StuckNodeAction actionOrDefault() {
    return action != null ? action : StuckNodeAction.Stop;
  }
}
