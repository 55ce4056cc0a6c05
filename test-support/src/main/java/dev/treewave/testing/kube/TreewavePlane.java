package dev.treewave.testing.kube;

import java.nio.file.Path;

/**
 * A control plane as treewave's cluster tests need it: the full set (etcd, kube-apiserver,
 * controller-manager, scheduler, kwok), the OSImage and OSNode CRDs (from the crds module's jar,
 * which the caller has on its class path) and the operator's and the workloads' namespaces. One
 * place for what the operator's ITs ({@code RolloutFixture}) and the E2Es and the demo ({@code
 * LocalCluster}) both start with; the operator and the agents on top differ and stay with them.
 */
public final class TreewavePlane {

  /** Where the operator (and its Lease, keys and agents' ServiceAccounts) lives. */
  public static final String SYSTEM_NAMESPACE = "treewave-system";

  /** Where the tests' PDB-protected workloads live. */
  public static final String APPS_NAMESPACE = "apps";

  private static final String[] CRDS = {
    "/crds/osimages.treewave.dev-v1.yml", "/crds/osnodes.treewave.dev-v1.yml"
  };

  private TreewavePlane() {}

  /**
   * Starts the full control plane named {@code name} (its logs under {@code logRoot}, or the
   * default place when null) with the CRDs and both namespaces; stops it again if that fails.
   */
  public static ControlPlane start(String name, Path logRoot) {
    ControlPlaneOptions options = ControlPlaneOptions.full().withName(name);
    ControlPlane plane =
        ControlPlane.start(logRoot == null ? options : options.withLogRoot(logRoot));
    try {
      installCrds(plane);
      plane.createNamespace(SYSTEM_NAMESPACE);
      plane.createNamespace(APPS_NAMESPACE);
      return plane;
    } catch (RuntimeException | Error e) {
      plane.close();
      throw e;
    }
  }

  /** The OSImage and OSNode CRDs, established; for a plane started some other way. */
  public static void installCrds(ControlPlane plane) {
    plane.installCrds(TreewavePlane.class, CRDS);
  }
}
