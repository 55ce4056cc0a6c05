package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How many targeted nodes are where. A node is counted once, in its furthest state. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeCounts(
    @JsonPropertyDescription("Nodes this OSImage targets.") Integer total,
    @JsonPropertyDescription("Target staged, not yet activated.") Integer staged,
    @JsonPropertyDescription("Cordoned, draining, rebooting or in the health gate.")
        Integer updating,
    @JsonPropertyDescription("Running the target, healthy, schedulable.") Integer updated,
    @JsonPropertyDescription("Failed to stage, boot or pass the health gate.") Integer failed,
    @JsonPropertyDescription("Given up on for now (drain timed out), left on their old OS.")
        Integer skipped,
    @JsonPropertyDescription("Told to stage the target, not staged yet (downloading).")
        Integer staging,
    @JsonPropertyDescription("Sent back to their previous deployment (failure policy or rollback).")
        Integer rolledBack) {}
