package dev.treewave.agent.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.Deployments;
import org.junit.jupiter.api.Test;

class RetentionTest {

  private static Deployment d(char c, int serial, boolean booted, boolean staged, boolean pin) {
    return new Deployment("os", String.valueOf(c).repeat(64), null, serial, booted, staged, pin);
  }

  @Test
  void removesTheOldestUnprotectedDeployments() {
    Deployment b = d('b', 4, true, false, false);
    Deployment a = d('a', 3, false, false, false);
    Deployment z = d('f', 2, false, false, false);
    Deployment y = d('e', 1, false, false, false);

    assertThat(Retention.surplus(new Deployments(java.util.List.of(b, a, z, y)), 2))
        .containsExactly(y, z);
    assertThat(Retention.surplus(new Deployments(java.util.List.of(b, a, z, y)), 3))
        .containsExactly(y);
    assertThat(Retention.surplus(new Deployments(java.util.List.of(b, a)), 2)).isEmpty();
  }

  @Test
  void neverRemovesStagedBootedDefaultPinnedOrTheRollback() {
    Deployment staged = d('c', 9, false, true, false);
    Deployment defaultNotBooted = d('b', 5, false, false, false);
    Deployment booted = d('a', 4, true, false, false);
    Deployment pinned = d('e', 2, false, false, true);
    Deployment old = d('f', 1, false, false, false);
    Deployments all =
        new Deployments(java.util.List.of(staged, defaultNotBooted, booted, pinned, old));

    assertThat(Retention.surplus(all, 2)).containsExactly(old);
  }

  @Test
  void refusesToKeepFewerThanTwo() {
    assertThatThrownBy(() -> Retention.surplus(Deployments.of(), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
