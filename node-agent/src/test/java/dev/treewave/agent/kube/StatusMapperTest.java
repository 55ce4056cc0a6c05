package dev.treewave.agent.kube;

import static dev.treewave.agent.testing.TestNode.A;
import static dev.treewave.agent.testing.TestNode.B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.Deployments;
import dev.treewave.agent.host.HostFacts;
import dev.treewave.agent.host.Management;
import dev.treewave.agent.host.PullProgress;
import dev.treewave.agent.host.SpaceNeeded;
import dev.treewave.agent.state.Action;
import dev.treewave.agent.state.AgentState;
import dev.treewave.agent.state.DiskCheck;
import dev.treewave.agent.state.Failure;
import dev.treewave.agent.state.FailureReason;
import dev.treewave.agent.state.InstructionRef;
import dev.treewave.agent.state.NodeReport;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusMapperTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123Z");
  private static final Instant T1 = Instant.parse("2026-11-22T11:00:00Z");
  private static final InstructionRef A1 = new InstructionRef("a1", Action.ACTIVATE, B);

  private static HostFacts host() {
    return new HostFacts(
        new Management.Managed(),
        "boot-7",
        Deployments.of(
            new Deployment("os", B, "12.3", 1, false, true, false),
            new Deployment("os", A, "12.2", 0, true, false, false)));
  }

  private static Condition condition(OSNodeStatus status, String type) {
    return status.conditionsOrEmpty().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void mapsDeploymentsBootedAndProgress() {
    NodeReport report =
        new NodeReport(
            new AgentState.Pulling(A1), "s1", host(), new PullProgress(5, 10, 512, 1024), null);

    OSNodeStatus status = StatusMapper.toStatus(report, 3L, List.of(), T0);

    assertThat(status.observedGeneration()).isEqualTo(3L);
    assertThat(status.agentState()).isEqualTo(dev.treewave.api.v1alpha1.AgentState.Pulling);
    assertThat(status.lastCompletedInstructionId()).isEqualTo("s1");
    assertThat(status.booted().commit()).isEqualTo(A);
    assertThat(status.booted().version()).isEqualTo("12.2");
    assertThat(status.booted().bootId()).isEqualTo("boot-7");
    assertThat(status.deployments()).hasSize(2);
    assertThat(status.deployments().get(0).isStaged()).isTrue();
    assertThat(status.deployments().get(0).pending()).isTrue();
    assertThat(status.deployments().get(1).isBooted()).isTrue();
    assertThat(status.pullProgress().objectsFetched()).isEqualTo(5);
    assertThat(status.pullProgress().objectsTotal()).isEqualTo(10);
    assertThat(status.pullProgress().bytesFetched()).isEqualTo(512);
    assertThat(status.lastError()).isNull();
    assertThat(condition(status, StatusMapper.STAGED).getStatus()).isEqualTo("True");
    assertThat(condition(status, StatusMapper.STAGED).getLastTransitionTime())
        .isEqualTo("2026-11-22T10:00:00Z");
  }

  @Test
  void aBootFailureIsReportedAsBootFailedWithItsReason() {
    NodeReport report =
        new NodeReport(new AgentState.BootFailed(A1, B, A, T0), "a1", host(), null, null);

    OSNodeStatus status = StatusMapper.toStatus(report, 1L, List.of(), T0);

    assertThat(status.agentState()).isEqualTo(dev.treewave.api.v1alpha1.AgentState.BootFailed);
    assertThat(status.lastError().reason()).isEqualTo("BootFailed");
    assertThat(status.lastError().instructionId()).isEqualTo("a1");
    assertThat(status.lastError().message()).contains(B).contains(A).contains("fell back");
    assertThat(condition(status, StatusMapper.DEGRADED).getStatus()).isEqualTo("True");
    assertThat(condition(status, StatusMapper.DEGRADED).getReason()).isEqualTo("BootFailed");
  }

  @Test
  void aPullShowsItsDiskCheckAndSaysWhenTheSizeWasUnknown() {
    DiskCheck exact =
        new DiskCheck(
            new SpaceNeeded(5000, SpaceNeeded.Basis.COMMIT_SIZES, "from its ostree.sizes"),
            1000,
            9000);
    OSNodeStatus pulling =
        StatusMapper.toStatus(
            new NodeReport(new AgentState.Pulling(A1), null, host(), null, null, exact),
            1L,
            List.of(),
            T0);
    Condition disk = condition(pulling, StatusMapper.DISK_SPACE);
    assertThat(disk.getStatus()).isEqualTo("True");
    assertThat(disk.getReason()).isEqualTo("SizeFromCommit");
    assertThat(disk.getMessage()).contains("5000 bytes").contains("1000").contains("9000");

    DiskCheck unknown = new DiskCheck(SpaceNeeded.unknown("no ostree.sizes"), 1000, 9000);
    OSNodeStatus blind =
        StatusMapper.toStatus(
            new NodeReport(new AgentState.Pulling(A1), null, host(), null, null, unknown),
            1L,
            List.of(),
            T0);
    assertThat(condition(blind, StatusMapper.DISK_SPACE).getReason()).isEqualTo("SizeUnknown");
    assertThat(condition(blind, StatusMapper.DISK_SPACE).getMessage())
        .contains("unknown (no ostree.sizes)")
        .contains("only the reserve");

    OSNodeStatus staged =
        StatusMapper.toStatus(
            new NodeReport(new AgentState.Staged(A1), "a1", host(), null, null), 1L, List.of(), T0);
    assertThat(staged.conditions()).noneMatch(c -> StatusMapper.DISK_SPACE.equals(c.getType()));
  }

  @Test
  void anErrorStillBeingRetriedIsReportedAsRetryingNeverAsLastError() {
    Failure failure = new Failure(FailureReason.PULL_FAILED, "connection reset", T0);
    NodeReport report =
        new NodeReport(
            new AgentState.Pulling(A1),
            null,
            host(),
            null,
            failure,
            null,
            new NodeReport.Retry(2, 5, T0.plusSeconds(30)));

    OSNodeStatus status = StatusMapper.toStatus(report, 1L, List.of(), T1);

    assertThat(status.lastError()).as("transient: the operator must not see a failure").isNull();
    assertThat(status.retrying().instructionId()).isEqualTo("a1");
    assertThat(status.retrying().reason()).isEqualTo("PullFailed");
    assertThat(status.retrying().message()).isEqualTo("connection reset");
    assertThat(status.retrying().attempt()).isEqualTo(2);
    assertThat(status.retrying().maxAttempts()).isEqualTo(5);
    assertThat(status.retrying().nextRetryAt()).isEqualTo("2026-11-22T10:00:30Z");
    assertThat(condition(status, StatusMapper.DEGRADED).getStatus()).isEqualTo("False");
  }

  @Test
  void aFailedInstructionIsLastErrorAndNoLongerRetrying() {
    Failure failure = new Failure(FailureReason.PULL_FAILED, "connection refused", T0);
    NodeReport report =
        new NodeReport(new AgentState.Failed(A1, failure), null, host(), null, null);

    OSNodeStatus status = StatusMapper.toStatus(report, 1L, List.of(), T1);

    assertThat(status.retrying()).isNull();
    assertThat(status.lastError().instructionId()).isEqualTo("a1");
    assertThat(status.lastError().reason()).isEqualTo("PullFailed");
    assertThat(status.agentState()).isEqualTo(dev.treewave.api.v1alpha1.AgentState.Failed);
  }

  @Test
  void everyStatusSaysWhenTheAgentWroteIt() {
    NodeReport idle = new NodeReport(new AgentState.Idle(), null, host(), null, null);

    OSNodeStatus status = StatusMapper.toStatus(idle, 1L, List.of(), T0);

    assertThat(status.lastSeen()).isEqualTo("2026-11-22T10:00:00Z");
  }

  @Test
  void conditionsKeepTheirTransitionTimeUntilTheirStatusChanges() {
    NodeReport staged = new NodeReport(new AgentState.Staged(A1), "a1", host(), null, null);
    OSNodeStatus first = StatusMapper.toStatus(staged, 1L, List.of(), T0);

    OSNodeStatus again = StatusMapper.toStatus(staged, 1L, first.conditions(), T1);
    assertThat(condition(again, StatusMapper.STAGED).getLastTransitionTime())
        .isEqualTo("2026-11-22T10:00:00Z");
    assertThat(StatusMapper.withLastSeen(again, null))
        .isEqualTo(StatusMapper.withLastSeen(first, null));

    NodeReport rebooting =
        new NodeReport(new AgentState.Rebooting(A1, B, "boot-7", T1), "s1", host(), null, null);
    OSNodeStatus later = StatusMapper.toStatus(rebooting, 1L, first.conditions(), T1);
    assertThat(condition(later, StatusMapper.REBOOT_PENDING).getStatus()).isEqualTo("True");
    assertThat(condition(later, StatusMapper.REBOOT_PENDING).getLastTransitionTime())
        .isEqualTo("2026-11-22T11:00:00Z");
  }

  @Test
  void everyAgentStateHasAReportedState() {
    Failure failure = new Failure(FailureReason.PULL_FAILED, "x", T0);
    for (AgentState state :
        List.of(
            new AgentState.Idle(),
            new AgentState.Unmanaged("NotOstreeBooted", "no"),
            new AgentState.Pulling(A1),
            new AgentState.Verifying(A1),
            new AgentState.Staging(A1),
            new AgentState.Staged(A1),
            new AgentState.Activating(A1, B),
            new AgentState.RollingBack(A1, A),
            new AgentState.Rebooting(A1, B, "b", T0),
            new AgentState.Booted(A1, B),
            new AgentState.Failed(A1, failure),
            new AgentState.BootFailed(A1, B, A, T0))) {
      assertThat(StatusMapper.agentState(state)).isNotNull();
    }
    assertThat(StatusMapper.agentState(new AgentState.Staged(A1)))
        .isEqualTo(dev.treewave.api.v1alpha1.AgentState.WaitingForPermission);
    assertThat(StatusMapper.agentState(new AgentState.Staging(A1)))
        .isEqualTo(dev.treewave.api.v1alpha1.AgentState.Staging);
    assertThat(StatusMapper.agentState(new AgentState.Verifying(A1)))
        .isEqualTo(dev.treewave.api.v1alpha1.AgentState.Verifying);
  }
}
