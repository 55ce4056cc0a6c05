package dev.treewave.agent.host;

import java.util.List;
import java.util.Optional;

/**
 * The host's deployments in bootloader order: the first non-staged one is the default (what the
 * next boot starts, unless a staged deployment is finalized first). A staged deployment, if any, is
 * listed first, as {@code ostree admin status} does.
 */
public record Deployments(List<Deployment> ordered) {

  public Deployments {
    ordered = List.copyOf(ordered);
    if (ordered.stream().filter(Deployment::booted).count() > 1) {
      throw new IllegalArgumentException("more than one booted deployment: " + ordered);
    }
    if (ordered.stream().filter(Deployment::staged).count() > 1) {
      throw new IllegalArgumentException("more than one staged deployment: " + ordered);
    }
  }

  public static Deployments of(Deployment... deployments) {
    return new Deployments(List.of(deployments));
  }

  public Optional<Deployment> booted() {
    return ordered.stream().filter(Deployment::booted).findFirst();
  }

  public Optional<Deployment> staged() {
    return ordered.stream().filter(Deployment::staged).findFirst();
  }

  /** The deployment the next boot starts when no staged deployment is finalized. */
  public Optional<Deployment> defaultDeployment() {
    return ordered.stream().filter(d -> !d.staged()).findFirst();
  }

  /**
   * What a rollback goes back to: if the booted deployment is the default, the next one after it in
   * bootloader order (the previous OS); if another deployment has been made the default but not
   * booted yet, the booted one (undoing the pending change).
   */
  public Optional<Deployment> rollbackTarget() {
    Optional<Deployment> booted = booted();
    if (booted.isEmpty()) {
      return Optional.empty();
    }
    if (!defaultDeployment().equals(booted)) {
      return booted;
    }
    List<Deployment> bootable = ordered.stream().filter(d -> !d.staged()).toList();
    int index = bootable.indexOf(booted.get());
    return index + 1 < bootable.size() ? Optional.of(bootable.get(index + 1)) : Optional.empty();
  }

  /** The first deployment of {@code commit}: the staged one first, then in bootloader order. */
  public Optional<Deployment> find(String commit) {
    return ordered.stream().filter(d -> d.commit().equals(commit)).findFirst();
  }

  public Optional<String> bootedCommit() {
    return booted().map(Deployment::commit);
  }

  public int size() {
    return ordered.size();
  }
}
