package dev.treewave.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeSpec;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import org.junit.jupiter.api.Test;

/** An OSNode change that is only an agent's heartbeat does not wake the reconciler. */
class HeartbeatFilterTest {

  private static OSNode node(AgentState state, String lastSeen) {
    OSNode n =
        new OSNode(
            "n1",
            new OSNodeSpec(
                "img", "os", new ImageSource("http://r", "ref", null), null, null, null));
    n.setStatus(
        state == null
            ? null
            : new OSNodeStatus(1L, state, null, null, null, null, null, null, null, lastSeen));
    return n;
  }

  @Test
  void onlyLastSeenMovingIsFilteredEverythingElsePasses() {
    OSNode before = node(AgentState.Idle, "2026-11-22T10:00:00Z");

    assertThat(
            OSImageReconciler.moreThanAHeartbeat(
                node(AgentState.Idle, "2026-11-22T10:02:00Z"), before))
        .isFalse();
    assertThat(
            OSImageReconciler.moreThanAHeartbeat(
                node(AgentState.Pulling, "2026-11-22T10:02:00Z"), before))
        .isTrue();
    assertThat(OSImageReconciler.moreThanAHeartbeat(node(AgentState.Idle, "x"), node(null, null)))
        .as("the first report ever")
        .isTrue();
  }
}
