package dev.treewave.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeploymentsTest {

  private static Deployment d(char c, boolean booted, boolean staged) {
    return new Deployment("os", String.valueOf(c).repeat(64), "v", 0, booted, staged, false);
  }

  @Test
  void theRollbackTargetIsTheOneAfterTheBootedDefault() {
    Deployment b = d('b', true, false);
    Deployment a = d('a', false, false);
    Deployments deployments = Deployments.of(d('c', false, true), b, a);

    assertThat(deployments.defaultDeployment()).contains(b);
    assertThat(deployments.staged().orElseThrow().commit()).startsWith("c");
    assertThat(deployments.rollbackTarget()).contains(a);
  }

  @Test
  void withAPendingDefaultTheRollbackTargetIsTheBootedOne() {
    Deployment pending = d('b', false, false);
    Deployment booted = d('a', true, false);

    assertThat(Deployments.of(pending, booted).rollbackTarget()).contains(booted);
  }

  @Test
  void aLoneDeploymentHasNoRollback() {
    assertThat(Deployments.of(d('a', true, false)).rollbackTarget()).isEmpty();
    assertThat(Deployments.of().rollbackTarget()).isEmpty();
  }

  @Test
  void rejectsImpossibleSets() {
    assertThatThrownBy(() -> Deployments.of(d('a', true, false), d('b', true, false)))
        .hasMessageContaining("more than one booted");
    assertThatThrownBy(() -> Deployments.of(d('a', false, true), d('b', false, true)))
        .hasMessageContaining("more than one staged");
    assertThatThrownBy(() -> d('a', true, true)).hasMessageContaining("staged");
  }
}
