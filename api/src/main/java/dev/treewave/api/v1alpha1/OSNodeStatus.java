package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Written by the node agent only: what the node has on disk and what it is doing. */
@JsonClassDescription(
    "Written by the node agent only: the deployments on disk, the booted one, what the agent is"
        + " doing, pull progress, retries, the last terminal error and conditions (e.g. Staged).")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OSNodeStatus(
    @JsonPropertyDescription("The spec generation the agent last acted on.")
        Long observedGeneration,
    @JsonPropertyDescription("What the agent is doing.") AgentState agentState,
    @JsonPropertyDescription("Id of the last instruction carried out to the end.")
        String lastCompletedInstructionId,
    @JsonPropertyDescription("Deployments on disk, newest first (as ostree admin status).")
        List<OSDeployment> deployments,
    @JsonPropertyDescription("The deployment running now.") BootedDeployment booted,
    @JsonPropertyDescription("Progress of the current pull.") PullProgress pullProgress,
    @JsonPropertyDescription(
            "The terminal failure of an instruction (agentState Failed or BootFailed); never an"
                + " error that is still being retried.")
        AgentError lastError,
    @JsonPropertyDescription("Agent conditions, e.g. Staged, Degraded.") List<Condition> conditions,
    @JsonPropertyDescription(
            "An error the agent is retrying: transient, never a failure. Absent when none.")
        AgentRetry retrying,
    @JsonPropertyDescription(
            "RFC 3339: when the agent last wrote this status. Refreshed at least every heartbeat"
                + " interval, so the operator can tell a silent agent from an idle one.")
        String lastSeen) {

  /** Without the liveness fields (older callers and tests). */
  public OSNodeStatus(
      Long observedGeneration,
      AgentState agentState,
      String lastCompletedInstructionId,
      List<OSDeployment> deployments,
      BootedDeployment booted,
      PullProgress pullProgress,
      AgentError lastError,
      List<Condition> conditions) {
    this(
        observedGeneration,
        agentState,
        lastCompletedInstructionId,
        deployments,
        booted,
        pullProgress,
        lastError,
        conditions,
        null,
        null);
  }

  public List<OSDeployment> deploymentsOrEmpty() {
    return deployments != null ? deployments : List.of();
  }

  public List<Condition> conditionsOrEmpty() {
    return conditions != null ? conditions : List.of();
  }
}
