package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Written by the operator only. Everything the agent needs to act without reading the OSImage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OSNodeSpec(
    @Required @JsonPropertyDescription("The OSImage that manages this node.") String osImage,
    @Required @Pattern(Patterns.OS_NAME) @JsonPropertyDescription("Stateroot to deploy into.")
        String osName,
    @Required @JsonPropertyDescription("Repository, ref and the resolved target commit.")
        ImageSource source,
    @Required @JsonPropertyDescription("Signature policy; the agent enforces it.")
        Verification verification,
    @JsonPropertyDescription("Kernel arguments for the new deployment.")
        KernelArguments kernelArguments,
    @JsonPropertyDescription("What the agent may do now. Absent means nothing.")
        Instruction instruction) {

  public OSNodeSpec withInstruction(Instruction next) {
    return new OSNodeSpec(osImage, osName, source, verification, kernelArguments, next);
  }
}
