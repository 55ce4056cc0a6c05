package dev.treewave.agent.kube;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.Deployments;
import dev.treewave.agent.host.HostFacts;
import dev.treewave.agent.state.AgentState;
import dev.treewave.agent.state.AgentState.BootFailed;
import dev.treewave.agent.state.AgentState.Failed;
import dev.treewave.agent.state.AgentState.Rebooting;
import dev.treewave.agent.state.AgentState.Unmanaged;
import dev.treewave.agent.state.DiskCheck;
import dev.treewave.agent.state.Failure;
import dev.treewave.agent.state.FailureReason;
import dev.treewave.agent.state.NodeReport;
import dev.treewave.api.v1alpha1.AgentError;
import dev.treewave.api.v1alpha1.AgentRetry;
import dev.treewave.api.v1alpha1.BootedDeployment;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.api.v1alpha1.PullProgress;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the OSNode status from a {@link NodeReport}. Pure; the only writer of the agent's
 * conditions, which are:
 *
 * <ul>
 *   <li>{@code Unmanaged}: True when the agent refuses to manage the host (reason NotOstreeBooted,
 *       ManagedByOtherTool or JournalUnusable).
 *   <li>{@code Degraded}: True when the last instruction failed (reason as in {@code lastError}).
 *   <li>{@code RebootPending}: True while a requested reboot has not happened.
 *   <li>{@code Staged}: True while a staged deployment waits for activation.
 *   <li>{@code DiskSpace}: only while a pull runs, True with the free-space check it passed: reason
 *       SizeFromCommit (the commit's ostree.sizes), SizeEstimatedFromDelta (a static delta's
 *       sizes), or SizeUnknown (nothing tells the size, so only the reserve was checked). A pull
 *       refused for space is a Degraded condition with reason InsufficientDisk.
 * </ul>
 *
 * A condition keeps its {@code lastTransitionTime} while its status stays the same.
 */
public final class StatusMapper {

  public static final String UNMANAGED = "Unmanaged";
  public static final String DEGRADED = "Degraded";
  public static final String REBOOT_PENDING = "RebootPending";
  public static final String STAGED = "Staged";
  public static final String DISK_SPACE = "DiskSpace";

  private StatusMapper() {}

  public static OSNodeStatus toStatus(
      NodeReport report, Long observedGeneration, List<Condition> previous, Instant now) {
    HostFacts host = report.host();
    Deployments deployments = host != null ? host.deployments() : null;
    return new OSNodeStatus(
        observedGeneration,
        agentState(report.state()),
        report.lastCompletedInstructionId(),
        deployments != null ? deployments(deployments) : null,
        host != null ? booted(host) : null,
        progress(report),
        lastError(report),
        conditions(report, previous, now),
        retrying(report),
        rfc3339(now));
  }

  /** The same status with another {@code lastSeen}. */
  public static OSNodeStatus withLastSeen(OSNodeStatus s, String lastSeen) {
    return new OSNodeStatus(
        s.observedGeneration(),
        s.agentState(),
        s.lastCompletedInstructionId(),
        s.deployments(),
        s.booted(),
        s.pullProgress(),
        s.lastError(),
        s.conditions(),
        s.retrying(),
        lastSeen);
  }

  /** The reported state; the agent's {@code Staged} is the API's WaitingForPermission. */
  static dev.treewave.api.v1alpha1.AgentState agentState(AgentState state) {
    return switch (state.name()) {
      case "Idle" -> dev.treewave.api.v1alpha1.AgentState.Idle;
      case "Unmanaged" -> dev.treewave.api.v1alpha1.AgentState.Unmanaged;
      case "Pulling" -> dev.treewave.api.v1alpha1.AgentState.Pulling;
      case "Verifying" -> dev.treewave.api.v1alpha1.AgentState.Verifying;
      case "Staging" -> dev.treewave.api.v1alpha1.AgentState.Staging;
      case "Staged" -> dev.treewave.api.v1alpha1.AgentState.WaitingForPermission;
      case "Activating" -> dev.treewave.api.v1alpha1.AgentState.Activating;
      case "RollingBack" -> dev.treewave.api.v1alpha1.AgentState.RollingBack;
      case "Rebooting" -> dev.treewave.api.v1alpha1.AgentState.Rebooting;
      case "Booted" -> dev.treewave.api.v1alpha1.AgentState.Booted;
      case "Failed" -> dev.treewave.api.v1alpha1.AgentState.Failed;
      // lastError still carries reason BootFailed, which is what the operator acts on.
      case "BootFailed" -> dev.treewave.api.v1alpha1.AgentState.BootFailed;
      default -> throw new IllegalArgumentException("unknown state " + state.name());
    };
  }

  private static List<OSDeployment> deployments(Deployments deployments) {
    Optional<Deployment> rollback = deployments.rollbackTarget();
    List<OSDeployment> result = new ArrayList<>();
    for (Deployment d : deployments.ordered()) {
      result.add(
          new OSDeployment(
              d.osName(),
              d.commit(),
              d.version(),
              d.serial(),
              d.booted(),
              d.staged(),
              rollback.filter(d::equals).isPresent(),
              d.pinned(),
              d.staged())); // the agent always stages finalization-locked
    }
    return result;
  }

  private static BootedDeployment booted(HostFacts host) {
    return host.deployments()
        .booted()
        .map(d -> new BootedDeployment(d.commit(), d.version(), host.bootId()))
        .orElse(null);
  }

  private static PullProgress progress(NodeReport report) {
    if (report.pullProgress() == null) {
      return null;
    }
    dev.treewave.agent.host.PullProgress p = report.pullProgress();
    return new PullProgress(
        p.fetchedObjects(), p.totalObjects() >= 0 ? p.totalObjects() : null, p.fetchedBytes());
  }

  private static AgentError lastError(NodeReport report) {
    AgentState state = report.state();
    if (state instanceof Failed failed) {
      return error(failed.instruction().id(), failed.failure());
    }
    if (state instanceof BootFailed bootFailed) {
      return new AgentError(
          bootFailed.instruction().id(),
          FailureReason.BOOT_FAILED.reason(),
          bootMessage(bootFailed),
          rfc3339(bootFailed.detectedAt()));
    }
    return null;
  }

  /**
   * An error still being retried goes here, never to lastError: the operator counts lastError for
   * its instruction as a failed node, and a repository blip must not fail a rollout.
   */
  static AgentRetry retrying(NodeReport report) {
    AgentState state = report.state();
    Failure failure = report.retryError();
    if (failure == null || state.instruction() == null || state instanceof Failed) {
      return null;
    }
    NodeReport.Retry retry = report.retry();
    return new AgentRetry(
        state.instruction().id(),
        retry != null ? retry.attempt() : null,
        retry != null ? retry.maxAttempts() : null,
        retry != null ? rfc3339(retry.nextAttemptAt()) : null,
        failure.reason().reason(),
        failure.message());
  }

  private static String bootMessage(BootFailed bootFailed) {
    return "the node was to boot commit "
        + bootFailed.expectedCommit()
        + " but booted "
        + (bootFailed.bootedCommit().isEmpty() ? "no known deployment" : bootFailed.bootedCommit())
        + " (the bootloader fell back); the booted deployment is the default again";
  }

  private static AgentError error(String instructionId, Failure failure) {
    return new AgentError(
        instructionId, failure.reason().reason(), failure.message(), rfc3339(failure.at()));
  }

  private static List<Condition> conditions(
      NodeReport report, List<Condition> previous, Instant now) {
    AgentState state = report.state();
    List<Condition> conditions = new ArrayList<>();
    if (state instanceof Unmanaged unmanaged) {
      conditions.add(
          condition(UNMANAGED, true, unmanaged.reason(), unmanaged.message(), previous, now));
    } else {
      conditions.add(
          condition(UNMANAGED, false, "Managed", "the agent manages this host", previous, now));
    }
    if (state instanceof Failed failed) {
      conditions.add(
          condition(
              DEGRADED,
              true,
              failed.failure().reason().reason(),
              failed.failure().message(),
              previous,
              now));
    } else if (state instanceof BootFailed bootFailed) {
      conditions.add(
          condition(
              DEGRADED,
              true,
              FailureReason.BOOT_FAILED.reason(),
              bootMessage(bootFailed),
              previous,
              now));
    } else {
      conditions.add(condition(DEGRADED, false, "AsExpected", "", previous, now));
    }
    if (state instanceof Rebooting rebooting) {
      conditions.add(
          condition(
              REBOOT_PENDING,
              true,
              "RebootRequested",
              "reboot requested at "
                  + rebooting.requestedAt()
                  + " to boot commit "
                  + rebooting.expectedCommit(),
              previous,
              now));
    } else {
      conditions.add(condition(REBOOT_PENDING, false, "NoRebootPending", "", previous, now));
    }
    Optional<Deployment> staged =
        report.host() != null ? report.host().deployments().staged() : Optional.empty();
    conditions.add(
        staged.isPresent()
            ? condition(
                STAGED,
                true,
                "DeploymentStaged",
                "commit " + staged.get().commit() + " is staged, locked until activation",
                previous,
                now)
            : condition(STAGED, false, "NothingStaged", "", previous, now));
    DiskCheck disk = report.diskCheck();
    if (disk != null && state.instruction() != null) {
      conditions.add(
          condition(
              DISK_SPACE,
              disk.enough(),
              switch (disk.needed().basis()) {
                case COMPLETE, COMMIT_SIZES -> "SizeFromCommit";
                case DELTA_SIZES -> "SizeEstimatedFromDelta";
                case UNKNOWN -> "SizeUnknown";
              },
              disk.message(state.instruction().commit()),
              previous,
              now));
    }
    return conditions;
  }

  /** RFC 3339 in whole seconds, as Kubernetes writes its own timestamps. */
  static String rfc3339(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static Condition condition(
      String type,
      boolean status,
      String reason,
      String message,
      List<Condition> previous,
      Instant now) {
    String statusText = status ? "True" : "False";
    String since =
        previous.stream()
            .filter(c -> type.equals(c.getType()) && statusText.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .filter(t -> t != null)
            .findFirst()
            .orElse(rfc3339(now));
    return new ConditionBuilder()
        .withType(type)
        .withStatus(statusText)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(since)
        .build();
  }
}
