package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** What to install on which nodes, and the rules for disrupting them. */
@JsonClassDescription(
    "What to install (osName, source, verification) on which nodes (nodeSelector), and the"
        + " rules for disrupting them: rollout waves, drain, health gate, failure policy, pause,"
        + " maintenance windows, kernel arguments, rollback.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OSImageSpec(
    @Required
        @Size(max = 63)
        @Pattern(Patterns.OS_NAME)
        @JsonPropertyDescription("The OS name (OSTree stateroot) the commit is deployed under.")
        String osName,
    @Required @JsonPropertyDescription("Where the commit comes from.") ImageSource source,
    @Required
        @JsonPropertyDescription(
            "Signature verification. Required: to turn it off, say mode: Disabled.")
        Verification verification,
    @SchemaFrom(type = LabelSelectorSchema.class)
        @JsonPropertyDescription("Nodes to update. Empty or absent selects every node.")
        LabelSelector nodeSelector,
    @JsonPropertyDescription("Waves, canary and disruption budget.") Rollout rollout,
    @JsonPropertyDescription("How nodes are drained before they reboot.") DrainSpec drain,
    @JsonPropertyDescription("What a node must show after reboot before the rollout continues.")
        HealthSpec health,
    @JsonPropertyDescription("What happens when nodes fail.") FailurePolicy failurePolicy,
    @JsonPropertyDescription(
            "Stops new disruptions. Nodes already rebooting finish; staging continues.")
        Boolean paused,
    @Size(max = 32)
        @JsonPropertyDescription(
            "When present, nodes are disrupted only inside one of these windows; a rollout"
                + " resumes in the next window.")
        List<MaintenanceWindow> maintenanceWindows,
    @JsonPropertyDescription("Kernel arguments to add to or remove from the new deployment.")
        KernelArguments kernelArguments,
    @JsonPropertyDescription(
            "Deadlines after which a node that makes no progress is stuck, and what then"
                + " happens.")
        StuckNodePolicy stuckNodes,
    @JsonPropertyDescription(
            "Roll the whole rollout back: every node updated to the target goes back to its"
                + " previous deployment (no download), within maxUnavailable and the health gate,"
                + " without wave pauses. Nodes not yet updated are left alone.")
        Boolean rollback) {

  /** Without {@code stuckNodes} and {@code rollback} (defaults). */
  public OSImageSpec(
      String osName,
      ImageSource source,
      Verification verification,
      LabelSelector nodeSelector,
      Rollout rollout,
      DrainSpec drain,
      HealthSpec health,
      FailurePolicy failurePolicy,
      Boolean paused,
      List<MaintenanceWindow> maintenanceWindows,
      KernelArguments kernelArguments) {
    this(
        osName,
        source,
        verification,
        nodeSelector,
        rollout,
        drain,
        health,
        failurePolicy,
        paused,
        maintenanceWindows,
        kernelArguments,
        null);
  }

  /** Without {@code rollback}. */
  public OSImageSpec(
      String osName,
      ImageSource source,
      Verification verification,
      LabelSelector nodeSelector,
      Rollout rollout,
      DrainSpec drain,
      HealthSpec health,
      FailurePolicy failurePolicy,
      Boolean paused,
      List<MaintenanceWindow> maintenanceWindows,
      KernelArguments kernelArguments,
      StuckNodePolicy stuckNodes) {
    this(
        osName,
        source,
        verification,
        nodeSelector,
        rollout,
        drain,
        health,
        failurePolicy,
        paused,
        maintenanceWindows,
        kernelArguments,
        stuckNodes,
        null);
  }

  public StuckNodePolicy stuckNodesOrDefault() {
    return stuckNodes != null ? stuckNodes : StuckNodePolicy.DEFAULT;
  }

  public boolean isRollback() {
    return Boolean.TRUE.equals(rollback);
  }

  public boolean isPaused() {
    return Boolean.TRUE.equals(paused);
  }

  public Rollout rolloutOrDefault() {
    return rollout != null ? rollout : Rollout.DEFAULT;
  }

  public DrainSpec drainOrDefault() {
    return drain != null ? drain : DrainSpec.DEFAULT;
  }

  public HealthSpec healthOrDefault() {
    return health != null ? health : HealthSpec.DEFAULT;
  }

  public FailurePolicy failurePolicyOrDefault() {
    return failurePolicy != null ? failurePolicy : FailurePolicy.DEFAULT;
  }

  public List<MaintenanceWindow> maintenanceWindowsOrEmpty() {
    return maintenanceWindows != null ? maintenanceWindows : List.of();
  }
}
