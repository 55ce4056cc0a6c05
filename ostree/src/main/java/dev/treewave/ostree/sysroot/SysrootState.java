package dev.treewave.ostree.sysroot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A sysroot as loaded from disk: the active boot version and sub-version, the deployments in boot
 * menu order (index 0 = default), the staged deployment (only on a booted system) and which one is
 * booted.
 */
public record SysrootState(
    int bootversion,
    int subbootversion,
    List<Deployment> deployments,
    Optional<Deployment> staged,
    Optional<Deployment.Id> booted) {

  public SysrootState {
    deployments = List.copyOf(deployments);
  }

  /** The list {@code ostree admin status} shows: the staged deployment first, then the rest. */
  public List<Deployment> withStaged() {
    List<Deployment> all = new ArrayList<>();
    staged.ifPresent(all::add);
    all.addAll(deployments);
    return all;
  }

  public Optional<Deployment> bootedDeployment() {
    return booted.flatMap(id -> deployments.stream().filter(d -> d.id().equals(id)).findFirst());
  }

  /**
   * The deployment whose {@code /etc} and kernel arguments a new one inherits: the booted one if it
   * belongs to {@code osname}, else the first deployment of that stateroot.
   */
  public Optional<Deployment> mergeDeployment(String osname) {
    Optional<Deployment> booted = bootedDeployment();
    if (booted.isPresent() && booted.get().osname().equals(osname)) {
      return booted;
    }
    return deployments.stream().filter(d -> d.osname().equals(osname)).findFirst();
  }
}
