package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Written by the operator only. Everything the agent needs to act without reading the OSImage. */
@JsonClassDescription(
    "Written by the operator only: the image, source, verification policy and kernel arguments"
        + " for this node, and the one instruction the agent may carry out now.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OSNodeSpec(
    @Required
        @Size(max = Patterns.NAME_MAX_LENGTH)
        @JsonPropertyDescription("The OSImage that manages this node.")
        String osImage,
    @Required
        @Size(max = 63)
        @Pattern(Patterns.OS_NAME)
        @JsonPropertyDescription("Stateroot to deploy into.")
        String osName,
    @Required @JsonPropertyDescription("Repository, ref and the resolved target commit.")
        ImageSource source,
    @Required @JsonPropertyDescription("Signature policy; the agent enforces it.")
        Verification verification,
    @JsonPropertyDescription("Kernel arguments for the new deployment.")
        KernelArguments kernelArguments,
    @JsonPropertyDescription("What the agent may do now. Absent means nothing.")
        Instruction instruction,
    @JsonPropertyDescription(
            "True when the OSImage pins spec.source.commit: the agent may then move to a commit"
                + " older than the one its ref holds (a GitOps rollback). Otherwise it refuses"
                + " an older commit (libostree's --timestamp-check).")
        Boolean pinned) {

  public OSNodeSpec(
      String osImage,
      String osName,
      ImageSource source,
      Verification verification,
      KernelArguments kernelArguments,
      Instruction instruction) {
    this(osImage, osName, source, verification, kernelArguments, instruction, null);
  }

  public OSNodeSpec withInstruction(Instruction next) {
    return new OSNodeSpec(osImage, osName, source, verification, kernelArguments, next, pinned);
  }
}
