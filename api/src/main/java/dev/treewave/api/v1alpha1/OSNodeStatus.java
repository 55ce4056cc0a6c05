package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Written by the node agent only: what the node has on disk and what it is doing. */
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
    @JsonPropertyDescription("The last failure.") AgentError lastError,
    @JsonPropertyDescription("Agent conditions, e.g. Staged, Degraded.")
        List<Condition> conditions) {

  public List<OSDeployment> deploymentsOrEmpty() {
    return deployments != null ? deployments : List.of();
  }

  public List<Condition> conditionsOrEmpty() {
    return conditions != null ? conditions : List.of();
  }
}
