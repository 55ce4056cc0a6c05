package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Something about one node a person should know: a blocker or a failure. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeIssue(
    String node,
    @JsonPropertyDescription("CamelCase machine-readable reason.") String reason,
    String message,
    @JsonPropertyDescription("RFC 3339 time it was observed.") String time) {}
