package dev.treewave.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.RolloutPlan.Phase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** spec.rollout.maxConcurrentStaging: how many nodes download the target at one time. */
class StagingConcurrencyTest {
  private static final RolloutPolicy POLICY =
      RolloutPolicy.defaults().withHealth(Duration.ofMinutes(15), Duration.ZERO);

  private static long stages(RolloutPlan plan) {
    return plan.steps().stream().filter(s -> s instanceof NodeStep.Stage).count();
  }

  @Test
  void atMostTheLimitStageAtOnceAndTheNextStartAsTheyFinish() {
    SimulatedCluster cluster = new SimulatedCluster(10);
    RolloutPolicy policy = POLICY.withMaxConcurrentStaging(Quantity.count(3));

    RolloutPlan first = cluster.step(policy);
    assertThat(stages(first)).isEqualTo(3);
    RolloutPlan waiting = cluster.step(policy); // nobody has finished
    assertThat(stages(waiting)).isZero();
    assertThat(waiting.counts().staging()).as("progress in status").isEqualTo(3);
    assertThat(waiting.phase()).isEqualTo(Phase.STAGING);
    assertThat(waiting.waitingFor()).contains("10 node(s)").contains("3 at a time");

    cluster.agentsAct();
    RolloutPlan next = cluster.step(policy);
    assertThat(stages(next)).isEqualTo(3);
    assertThat(next.counts().staged()).isEqualTo(3);

    RolloutPlan last = cluster.run(policy, 80);
    assertThat(last.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(cluster.plans)
        .allSatisfy(p -> assertThat(p.counts().staging()).isLessThanOrEqualTo(3));
  }

  @Test
  void aPercentIsOfTheTargetedNodesRoundedDownButAtLeastOne() {
    assertThat(
            stages(
                new SimulatedCluster(10)
                    .step(POLICY.withMaxConcurrentStaging(Quantity.percent(25)))))
        .isEqualTo(2);
    assertThat(
            stages(
                new SimulatedCluster(3)
                    .step(POLICY.withMaxConcurrentStaging(Quantity.percent(10)))))
        .isEqualTo(1);
  }

  @Test
  void withoutALimitEveryNodeStagesAtOnce() {
    assertThat(stages(new SimulatedCluster(10).step(POLICY))).isEqualTo(10);
  }
}
