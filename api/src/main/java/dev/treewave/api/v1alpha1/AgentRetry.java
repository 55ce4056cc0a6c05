package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * An error the agent is still retrying. Transient by definition: the operator never counts it as a
 * failure; only a terminal agentState (Failed, BootFailed) with lastError is one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentRetry(
    @JsonPropertyDescription("The instruction being retried.") String instructionId,
    @JsonPropertyDescription("Failed attempts so far.") Integer attempt,
    @JsonPropertyDescription("Attempts before the agent gives up (then agentState Failed).")
        Integer maxAttempts,
    @JsonPropertyDescription("RFC 3339: when the next attempt starts.") String nextRetryAt,
    @JsonPropertyDescription("CamelCase, e.g. PullFailed.") String reason,
    @JsonPropertyDescription("The last attempt's error, for people.") String message) {}
