package dev.treewave.agent.state;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.Deployments;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Which deployments to remove so that at most N remain. */
public final class Retention {

  private Retention() {}

  /**
   * The deployments to undeploy, oldest (last in bootloader order) first, so that at most {@code
   * max} remain. Never the booted, default, staged or a pinned deployment, nor the rollback target
   * (the newest one after the booted): those can make the count exceed {@code max}.
   */
  public static List<Deployment> surplus(Deployments deployments, int max) {
    if (max < 2) {
      throw new IllegalArgumentException("keep at least 2 deployments (booted and rollback)");
    }
    Optional<Deployment> rollback = deployments.rollbackTarget();
    Optional<Deployment> defaultDeployment = deployments.defaultDeployment();
    List<Deployment> remove = new ArrayList<>();
    int remaining = deployments.size();
    List<Deployment> ordered = deployments.ordered();
    for (int i = ordered.size() - 1; i >= 0 && remaining > max; i--) {
      Deployment d = ordered.get(i);
      boolean keep =
          d.booted()
              || d.staged()
              || d.pinned()
              || rollback.filter(d::equals).isPresent()
              || defaultDeployment.filter(d::equals).isPresent();
      if (!keep) {
        remove.add(d);
        remaining--;
      }
    }
    return remove;
  }
}
