package dev.treewave.operator.bench;

import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.BootedDeployment;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every node's agent in one object, for thousands of nodes: a single OSNode watch, and a timer per
 * instruction instead of a thread per node. Each agent follows the OSNode contract (api/README.md):
 * it reports the booted commit when its OSNode appears, stages in {@code stageTime}, and on
 * Activate or Rollback reports the instruction's commit booted {@code rebootTime} later. kwok keeps
 * the Node itself Ready throughout.
 */
final class SimulatedAgents implements AutoCloseable {
  static final String OLD = "0".repeat(64);

  private final KubernetesClient client;
  private final Duration stageTime;
  private final Duration rebootTime;

  /** Real agents report in parallel, one per node: enough threads that this is not the limit. */
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(16);

  /** node/instruction keys already taken on, so a repeated watch event starts nothing twice. */
  private final Set<String> taken = ConcurrentHashMap.newKeySet();

  private final AtomicInteger reboots = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private SharedIndexInformer<OSNode> informer;

  SimulatedAgents(KubernetesClient client, Duration stageTime, Duration rebootTime) {
    this.client = client;
    this.stageTime = stageTime;
    this.rebootTime = rebootTime;
  }

  void start() {
    informer =
        client
            .resources(OSNode.class)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(OSNode o) {
                    react(o);
                  }

                  @Override
                  public void onUpdate(OSNode before, OSNode o) {
                    react(o);
                  }

                  @Override
                  public void onDelete(OSNode o, boolean unknownFinalState) {}
                },
                0);
  }

  int reboots() {
    return reboots.get();
  }

  int retries() {
    return retries.get();
  }

  private void react(OSNode o) {
    String name = o.getMetadata().getName();
    OSNodeStatus s = o.getStatus();
    if (s == null || s.booted() == null) {
      if (taken.add(name + "/boot")) {
        report(name, booted(OLD, null, null));
      }
      return;
    }
    Instruction i = o.getSpec() != null ? o.getSpec().instruction() : null;
    if (i == null
        || i.id().equals(s.lastCompletedInstructionId())
        || !taken.add(name + "/" + i.id())) {
      return;
    }
    String was = s.booted().commit();
    switch (i.action()) {
      case Stage -> later(stageTime, name, staged(s, i));
      case Activate -> {
        reboots.incrementAndGet();
        later(rebootTime, name, booted(i.commit(), was.equals(i.commit()) ? null : was, i.id()));
      }
      case Rollback -> {
        reboots.incrementAndGet();
        later(rebootTime, name, booted(i.commit(), null, i.id()));
      }
      case None -> {}
    }
  }

  private void later(Duration delay, String node, OSNodeStatus status) {
    timer.schedule(() -> report(node, status), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A merge patch of the status subresource, as the real agent sends (no read first). */
  private void report(String node, OSNodeStatus status) {
    try {
      OSNode patch = new OSNode(node, null);
      patch.setStatus(status);
      client.resource(patch).patchStatus();
    } catch (RuntimeException e) {
      retries.incrementAndGet();
      later(Duration.ofMillis(500), node, status);
    }
  }

  private static OSNodeStatus staged(OSNodeStatus s, Instruction i) {
    List<OSDeployment> deployments = new ArrayList<>();
    deployments.add(
        new OSDeployment("fedora", i.commit(), "41.1", 0, false, true, false, false, true));
    deployments.addAll(s.deploymentsOrEmpty());
    return new OSNodeStatus(
        null, AgentState.WaitingForPermission, i.id(), deployments, s.booted(), null, null, null);
  }

  private static OSNodeStatus booted(String commit, String previous, String completed) {
    List<OSDeployment> deployments = new ArrayList<>();
    String version = commit.equals(OLD) ? "40" : "41.1";
    deployments.add(
        new OSDeployment("fedora", commit, version, 0, true, false, false, false, false));
    if (previous != null) {
      deployments.add(
          new OSDeployment("fedora", previous, "40", 0, false, false, true, false, false));
    }
    return new OSNodeStatus(
        null,
        completed == null ? AgentState.Idle : AgentState.Booted,
        completed,
        deployments,
        new BootedDeployment(commit, version, "boot-" + commit.substring(0, 8)),
        null,
        null,
        null);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    timer.shutdownNow();
  }
}
