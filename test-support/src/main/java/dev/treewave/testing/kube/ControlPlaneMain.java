package dev.treewave.testing.kube;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a control plane from the command line until the process is stopped (Ctrl-C or SIGTERM: the
 * shutdown hook stops every component), for trying things by hand with kubectl or the operator.
 *
 * <pre>
 * java -cp ... dev.treewave.testing.kube.ControlPlaneMain [--full] [--nodes N]
 * </pre>
 *
 * <p>{@code --full} adds kube-controller-manager, kube-scheduler and kwok; {@code --nodes N}
 * (implies {@code --full}) creates N Ready kwok Nodes {@code kwok-node-1..N}.
 */
public final class ControlPlaneMain {

  private ControlPlaneMain() {}

  public static void main(String[] args) throws InterruptedException {
    List<String> arguments = List.of(args);
    int nodes = 0;
    int at = arguments.indexOf("--nodes");
    if (at >= 0) {
      nodes = Integer.parseInt(arguments.get(at + 1));
    }
    boolean full = nodes > 0 || arguments.contains("--full");
    ControlPlaneOptions options =
        (full ? ControlPlaneOptions.full() : ControlPlaneOptions.apiServerOnly()).withName("main");
    // Stopped by the shutdown hook, which ControlPlane registers for every open plane.
    ControlPlane plane = ControlPlane.start(options);
    for (int i = 1; i <= nodes; i++) {
      plane.kwokNodes().createReady("kwok-node-" + i, Map.of());
    }
    System.out.println(
        "treewave: control plane ready in " + plane.startupTime().toMillis() + " ms");
    System.out.println("  api server: " + plane.apiServerUrl());
    System.out.println("  etcd:       " + plane.etcdUrl());
    System.out.println("  kubeconfig: " + plane.kubeconfigFile());
    System.out.println("  logs:       " + plane.logDir());
    System.out.println("  stop with Ctrl-C");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
