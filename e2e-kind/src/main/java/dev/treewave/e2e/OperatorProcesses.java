package dev.treewave.e2e;

import dev.treewave.operator.OperatorRuntime.LeaseTimings;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Operator replicas as separate JVMs ({@code OperatorMain run}, leader-elected, exiting when they
 * lose the Lease), so a test can SIGKILL the leader the way a node crash or OOM kill would, which
 * an in-process operator cannot show: nothing of the killed replica runs on, no shutdown hook, no
 * Lease release.
 */
public final class OperatorProcesses implements AutoCloseable {
  public static final String LEASE_NAME = "treewave-operator";

  private final KubernetesClient client;
  private final Map<String, Process> replicas = new LinkedHashMap<>();

  private OperatorProcesses(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Starts {@code count} replicas named {@code operator-0..}, each logging to {@code
   * logDir/<name>.log}; on failure stops those started and rethrows.
   */
  static OperatorProcesses start(
      KubernetesClient client, Path kubeconfig, int count, LeaseTimings lease, Path logDir)
      throws IOException {
    OperatorProcesses all = new OperatorProcesses(client);
    try {
      for (int i = 0; i < count; i++) {
        String name = "operator-" + i;
        all.replicas.put(name, launch(name, kubeconfig, lease, logDir.resolve(name + ".log")));
      }
      return all;
    } catch (IOException | RuntimeException e) {
      all.close();
      throw e;
    }
  }

  private static Process launch(String name, Path kubeconfig, LeaseTimings lease, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small and quick to start: the machine runs a control plane and the agents besides.
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(
        List.of(
            "-cp",
            // The test's own class path holds the operator and its dependencies (under failsafe
            // a manifest-only jar, whose Class-Path the child JVM follows the same way).
            System.getProperty("java.class.path"),
            "dev.treewave.operator.OperatorMain",
            "run",
            "--metrics-bind",
            "127.0.0.1:" + freePort(),
            "--lease-namespace",
            LocalCluster.SYSTEM_NAMESPACE,
            "--lease-name",
            LEASE_NAME,
            "--lease-duration",
            lease.duration().toString(),
            "--renew-deadline",
            lease.renewDeadline().toString(),
            "--retry-period",
            lease.retryPeriod().toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("POD_NAME", name);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    return builder.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Replica names, in start order. */
  public List<String> names() {
    return List.copyOf(replicas.keySet());
  }

  public boolean alive(String name) {
    return process(name).isAlive();
  }

  /** The Lease's holder identity now (a replica name), or null if nobody holds it. */
  public String leader() {
    Lease lease =
        client.leases().inNamespace(LocalCluster.SYSTEM_NAMESPACE).withName(LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** SIGKILL: the replica gets no chance to release its Lease or finish a step. */
  public void kill(String name) throws InterruptedException {
    Process p = process(name);
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " survived SIGKILL for 30 s");
    }
  }

  private Process process(String name) {
    Process p = replicas.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no operator replica " + name + ", have " + names());
    }
    return p;
  }

  /** SIGTERM to every replica at once, then SIGKILL to any still running after 15 s. */
  @Override
  public void close() {
    replicas.values().forEach(Process::destroy);
    try {
      for (Process p : replicas.values()) {
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      replicas.values().forEach(Process::destroyForcibly);
      Thread.currentThread().interrupt();
    }
  }
}
