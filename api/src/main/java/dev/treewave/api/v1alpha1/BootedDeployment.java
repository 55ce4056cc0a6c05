package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** What the node runs now. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BootedDeployment(
    @Pattern(Patterns.COMMIT) @JsonPropertyDescription("The booted commit (SHA-256).")
        String commit,
    @JsonPropertyDescription("The booted commit's version metadata, if any.") String version,
    @JsonPropertyDescription("/proc/sys/kernel/random/boot_id: changes on every boot.")
        String bootId) {}
