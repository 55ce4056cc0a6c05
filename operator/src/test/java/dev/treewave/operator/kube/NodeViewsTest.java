package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.AgentError;
import dev.treewave.api.v1alpha1.AgentRetry;
import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeSpec;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.operator.plan.AgentView;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OSNode contract as the operator reads it: transient versus terminal, and liveness. */
class NodeViewsTest {
  private static final String T = "a".repeat(64);
  private static final Instruction STAGE =
      new Instruction("s1", NodeAction.Stage, T, "2026-11-22T10:00:00Z");
  private static final AgentError ERROR =
      new AgentError("s1", "PullFailed", "connection refused", "2026-11-22T10:00:05Z");

  private static OSNode osNode(OSNodeStatus status) {
    OSNode node =
        new OSNode(
            "node-1",
            new OSNodeSpec("img", "os", new ImageSource("http://x", "r", T), null, null, STAGE));
    node.setStatus(status);
    return node;
  }

  private static OSNodeStatus status(
      AgentState state, AgentError error, AgentRetry retrying, String lastSeen) {
    return new OSNodeStatus(1L, state, null, null, null, null, error, null, retrying, lastSeen);
  }

  @Test
  void anErrorTheAgentIsStillRetryingIsNeverAFailure() {
    AgentRetry retry =
        new AgentRetry("s1", 1, 5, "2026-11-22T10:00:35Z", "PullFailed", "connection refused");
    AgentView view =
        NodeViews.agent(osNode(status(AgentState.Pulling, null, retry, "2026-11-22T10:00:05Z")), T);

    assertThat(view.failed(view.instruction())).isFalse();
    assertThat(view.retrying()).contains("PullFailed").contains("attempt 1 of 5");
  }

  @Test
  void lastErrorFromAnAgentStillWorkingIsNotAFailureEither() {
    // An agent from before status.retrying put retried errors into lastError.
    AgentView view = NodeViews.agent(osNode(status(AgentState.Pulling, ERROR, null, null)), T);

    assertThat(view.failed(view.instruction())).isFalse();
  }

  @Test
  void onlyATerminalStateWithLastErrorIsAFailure() {
    AgentView failed = NodeViews.agent(osNode(status(AgentState.Failed, ERROR, null, null)), T);
    AgentView bootFailed =
        NodeViews.agent(osNode(status(AgentState.BootFailed, ERROR, null, null)), T);

    assertThat(failed.failed(failed.instruction())).isTrue();
    assertThat(failed.failure()).isEqualTo("PullFailed: connection refused");
    assertThat(bootFailed.failed(bootFailed.instruction())).isTrue();
  }

  @Test
  void livenessAndUnmanagedAreRead() {
    OSNodeStatus unmanaged =
        new OSNodeStatus(
            1L,
            AgentState.Unmanaged,
            null,
            null,
            null,
            null,
            null,
            List.of(
                new ConditionBuilder()
                    .withType("Unmanaged")
                    .withStatus("True")
                    .withReason("NotOstreeBooted")
                    .withMessage("/run/ostree-booted is missing")
                    .build()),
            null,
            "2026-11-22T10:01:00Z");

    AgentView view = NodeViews.agent(osNode(unmanaged), T);
    AgentView none = NodeViews.agent(osNode(null), T);

    assertThat(view.reported()).isTrue();
    assertThat(view.lastSeen()).isEqualTo(Instant.parse("2026-11-22T10:01:00Z"));
    assertThat(view.unmanaged()).isEqualTo("NotOstreeBooted: /run/ostree-booted is missing");
    assertThat(none.reported()).as("no status: no agent ever reported").isFalse();
    assertThat(none.lastSeen()).isNull();
  }

  @Test
  void timestampsReadByHandAgreeWithInstantParse() {
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 20_000; i++) {
      Instant t = Instant.ofEpochSecond(Math.floorMod(random.nextLong(), 253_402_300_799L));
      String text = t.toString();
      assertThat(NodeViews.time(text)).as(text).isEqualTo(Instant.parse(text));
    }
    assertThat(NodeViews.time("2024-02-29T23:59:59Z"))
        .isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
    assertThat(NodeViews.time("2026-12-07T10:00:00.123456Z"))
        .isEqualTo(Instant.parse("2026-12-07T10:00:00.123456Z"));
    // Odd ones get what Instant.parse gives (24:00 is the next midnight to it), or null.
    for (String odd :
        List.of(
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-12-00T00:00:00Z",
            "2026-12-07T24:00:00Z",
            "2026-12-07T10:60:00Z",
            "2026-12-07T10:00:0xZ",
            "2026-12-07 10:00:00Z",
            "+026-12-07T10:00:00Z",
            "2026-12-07T23:59:60Z",
            "soon")) {
      Instant parsed;
      try {
        parsed = Instant.parse(odd);
      } catch (RuntimeException e) {
        parsed = null;
      }
      assertThat(NodeViews.time(odd)).as(odd).isEqualTo(parsed);
    }
    assertThat(NodeViews.time("2023-02-29T00:00:00Z")).isNull();
  }
}
