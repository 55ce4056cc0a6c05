package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One permission from the operator to the agent. The agent carries out each {@code id} at most once
 * and reports it in {@code status.lastCompletedInstructionId}; a new instruction always gets a new
 * id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "self.action == 'None' || has(self.commit)",
    message = "commit is required unless action is None")
public record Instruction(
    @Required
        @Size(max = 128)
        @Pattern("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
        @JsonPropertyDescription("Unique per instruction.")
        String id,
    @Required @JsonPropertyDescription("What the agent may do.") NodeAction action,
    @Size(max = 64)
        @Pattern(Patterns.COMMIT)
        @JsonPropertyDescription(
            "Stage/Activate: the target commit. Rollback: the commit to go back to.")
        String commit,
    @Size(max = 64) @JsonPropertyDescription("RFC 3339 time the operator issued it.")
        String issuedAt) {}
