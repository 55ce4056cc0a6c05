package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** One OSTree deployment on the node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OSDeployment(
    @JsonPropertyDescription("Its stateroot.") String osName,
    @Pattern(Patterns.COMMIT) @JsonPropertyDescription("Its commit (SHA-256).") String commit,
    @JsonPropertyDescription("The commit's version metadata, if any.") String version,
    @JsonPropertyDescription("Deployment serial (several deployments of one commit).")
        Integer serial,
    @JsonPropertyDescription("Running now.") Boolean booted,
    @JsonPropertyDescription("Staged for the next boot.") Boolean staged,
    @JsonPropertyDescription("The one a rollback would boot.") Boolean rollback,
    @JsonPropertyDescription("Pinned: never garbage-collected.") Boolean pinned,
    @JsonPropertyDescription("Staged but finalization-locked: not applied at reboot.")
        Boolean pending) {

  public boolean isBooted() {
    return Boolean.TRUE.equals(booted);
  }

  public boolean isStaged() {
    return Boolean.TRUE.equals(staged);
  }

  public boolean isRollback() {
    return Boolean.TRUE.equals(rollback);
  }
}
