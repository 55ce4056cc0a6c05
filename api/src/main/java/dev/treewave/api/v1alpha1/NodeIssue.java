package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Something about one node a person should know: a blocker or a failure. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeIssue(
    @JsonPropertyDescription("The node's name.") String node,
    @JsonPropertyDescription("CamelCase machine-readable reason.") String reason,
    @JsonPropertyDescription("What happened, for people.") String message,
    @JsonPropertyDescription("RFC 3339 time it was observed.") String time,
    @JsonPropertyDescription(
            "RFC 3339: since when the node has been in this situation (e.g. the agent's last"
                + " report, the Stage instruction), when known.")
        String since) {

  public NodeIssue(String node, String reason, String message, String time) {
    this(node, reason, message, time, null);
  }
}
