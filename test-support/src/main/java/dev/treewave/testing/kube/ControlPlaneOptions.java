package dev.treewave.testing.kube;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What to start besides etcd and kube-apiserver, and where to put the logs.
 *
 * @param controllerManager start kube-controller-manager (PDB status, garbage collection, namespace
 *     deletion, ServiceAccounts and their root CA ConfigMap, Deployments/DaemonSets)
 * @param scheduler start kube-scheduler (binds Pods to Nodes)
 * @param kwok start kwok: fake kubelets for Nodes annotated {@code kwok.x-k8s.io/node=fake}
 * @param startupTimeout how long each component may take to become ready
 * @param logRoot folder under which this control plane's log folder is created; null means {@code
 *     target/controlplane-logs} of the working directory (or the temp folder outside Maven)
 * @param name a label for the log folder, e.g. the test class's simple name
 * @param extraApiServerFlags appended to kube-apiserver's command line, e.g. {@code
 *     --feature-gates=...}
 */
public record ControlPlaneOptions(
    boolean controllerManager,
    boolean scheduler,
    boolean kwok,
    Duration startupTimeout,
    Path logRoot,
    String name,
    List<String> extraApiServerFlags) {

  public ControlPlaneOptions {
    Objects.requireNonNull(startupTimeout, "startupTimeout");
    Objects.requireNonNull(name, "name");
    extraApiServerFlags = List.copyOf(extraApiServerFlags);
  }

  /** etcd and kube-apiserver only. Generous timeout: CI machines have 2 busy cores. */
  public static ControlPlaneOptions apiServerOnly() {
    return new ControlPlaneOptions(
        false, false, false, Duration.ofSeconds(180), null, "controlplane", List.of());
  }

  /** Everything: controller manager, scheduler and kwok, what E2E tests and demos want. */
  public static ControlPlaneOptions full() {
    return apiServerOnly().withControllerManager(true).withScheduler(true).withKwok(true);
  }

  public ControlPlaneOptions withControllerManager(boolean on) {
    return new ControlPlaneOptions(
        on, scheduler, kwok, startupTimeout, logRoot, name, extraApiServerFlags);
  }

  public ControlPlaneOptions withScheduler(boolean on) {
    return new ControlPlaneOptions(
        controllerManager, on, kwok, startupTimeout, logRoot, name, extraApiServerFlags);
  }

  public ControlPlaneOptions withKwok(boolean on) {
    return new ControlPlaneOptions(
        controllerManager, scheduler, on, startupTimeout, logRoot, name, extraApiServerFlags);
  }

  public ControlPlaneOptions withStartupTimeout(Duration timeout) {
    return new ControlPlaneOptions(
        controllerManager, scheduler, kwok, timeout, logRoot, name, extraApiServerFlags);
  }

  public ControlPlaneOptions withLogRoot(Path folder) {
    return new ControlPlaneOptions(
        controllerManager, scheduler, kwok, startupTimeout, folder, name, extraApiServerFlags);
  }

  public ControlPlaneOptions withName(String label) {
    return new ControlPlaneOptions(
        controllerManager, scheduler, kwok, startupTimeout, logRoot, label, extraApiServerFlags);
  }

  public ControlPlaneOptions withExtraApiServerFlags(String... flags) {
    return new ControlPlaneOptions(
        controllerManager, scheduler, kwok, startupTimeout, logRoot, name, List.of(flags));
  }
}
