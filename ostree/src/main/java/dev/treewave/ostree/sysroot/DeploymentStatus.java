package dev.treewave.ostree.sysroot;

import java.util.Optional;

/** One line of {@code admin status}: a deployment, its position and markers. */
public record DeploymentStatus(
    int index,
    Deployment deployment,
    Optional<String> version,
    boolean booted,
    boolean pending,
    boolean rollback,
    boolean staged) {

  public boolean pinned() {
    return deployment.pinned();
  }
}
