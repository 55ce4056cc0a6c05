package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The agent's last failure. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentError(
    @JsonPropertyDescription("The instruction that failed.") String instructionId,
    @JsonPropertyDescription("CamelCase, e.g. SignatureInvalid, PullFailed, DiskFull.")
        String reason,
    @JsonPropertyDescription("What went wrong, for people.") String message,
    @JsonPropertyDescription("RFC 3339.") String time) {}
