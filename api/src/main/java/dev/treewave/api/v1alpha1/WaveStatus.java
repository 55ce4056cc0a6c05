package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One wave's members (in the order they are disrupted) and progress. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WaveStatus(
    @JsonPropertyDescription("Position in the rollout; 0 is the first wave (the canary).")
        Integer index,
    @JsonPropertyDescription("Node names, in disruption order.") List<String> nodes,
    @JsonPropertyDescription("Where this wave stands.") WaveState state,
    @JsonPropertyDescription("Nodes of this wave that are updated.") Integer updated,
    @JsonPropertyDescription("RFC 3339 time the wave completed.") String completedAt,
    @JsonPropertyDescription("RFC 3339 time a timed pause after this wave ends.")
        String pausedUntil) {

  public List<String> nodesOrEmpty() {
    return nodes != null ? nodes : List.of();
  }
}
