package dev.treewave.operator.rollout;

import dev.treewave.api.v1alpha1.AgentError;
import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.BootedDeployment;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Node agents that follow the OSNode contract in api/README.md: carry out each instruction once and
 * report through the status subresource. Nodes in {@code failing} never come back healthy: their
 * reboot into the target fails (reported as an agent error).
 *
 * <p>Two ways to drive the same contract: {@link #act()} is one synchronous pass over every OSNode
 * (unit tests and ITs call it in a loop, so each step is deterministic); {@link #start} watches the
 * OSNodes and reports after simulated stage and reboot times, on timers rather than a thread per
 * node, so one object stands for thousands of agents (the scale benchmark).
 */
public final class FakeAgents implements AutoCloseable {
  public static final String OLD = "0".repeat(64);

  private final KubernetesClient client;
  final Set<String> failing = new HashSet<>();

  /** Nodes whose agent has not acted on its Activate yet (it is still "about to reboot"). */
  final Set<String> holding = new HashSet<>();

  final List<String> reboots = new ArrayList<>();

  /** Told of each reboot before the agent reports it, e.g. to make pods on the node unready. */
  Consumer<String> onReboot = node -> {};

  // The watching agents (start): node/instruction keys already taken on, so a repeated watch event
  // starts nothing twice; status writes that failed and were tried again.
  private final Set<String> taken = ConcurrentHashMap.newKeySet();
  private final AtomicInteger retries = new AtomicInteger();
  private ScheduledExecutorService timer;
  private SharedIndexInformer<OSNode> informer;
  private Duration stageTime = Duration.ZERO;
  private Duration rebootTime = Duration.ZERO;

  public FakeAgents(KubernetesClient client) {
    this.client = client;
  }

  /** One pass: every agent reports its booted commit, then the outcome of its instruction. */
  synchronized void act() {
    for (OSNode node : client.resources(OSNode.class).list().getItems()) {
      OSNodeStatus s = node.getStatus() != null ? node.getStatus() : boot(OLD, null, null);
      Instruction i = node.getSpec().instruction();
      if (i != null && pending(s, i)) {
        s = outcome(node, s, i);
      }
      node.setStatus(s);
      client.resource(node).updateStatus();
    }
  }

  /**
   * Watches the OSNodes and answers each instruction as it appears: staged after {@code stageTime},
   * booted {@code rebootTime} after Activate or Rollback. Status goes out as a merge patch, as the
   * real agent sends it (no read first); a failed write is tried again 500 ms later.
   */
  public void start(Duration stageTime, Duration rebootTime) {
    this.stageTime = stageTime;
    this.rebootTime = rebootTime;
    // Real agents report in parallel, one per node: enough threads that this is not the limit.
    timer = Executors.newScheduledThreadPool(16);
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

  /** Reboots performed so far. */
  public synchronized int rebootCount() {
    return reboots.size();
  }

  /** Status writes of the watching agents that failed and were tried again. */
  public int retries() {
    return retries.get();
  }

  private synchronized void react(OSNode o) {
    String name = o.getMetadata().getName();
    OSNodeStatus s = o.getStatus();
    if (s == null || s.booted() == null) {
      if (taken.add(name + "/boot")) {
        report(name, boot(OLD, null, null));
      }
      return;
    }
    Instruction i = o.getSpec() != null ? o.getSpec().instruction() : null;
    if (i == null || !pending(s, i) || holding.contains(name) || !taken.add(name + "/" + i.id())) {
      return;
    }
    OSNodeStatus next = outcome(o, s, i);
    if (next != s) {
      later(i.action() == NodeAction.Stage ? stageTime : rebootTime, name, next);
    }
  }

  private static boolean pending(OSNodeStatus s, Instruction i) {
    return !i.id().equals(s.lastCompletedInstructionId())
        && (s.lastError() == null || !i.id().equals(s.lastError().instructionId()));
  }

  /** What the agent reports once it has carried out {@code i} (the same status: nothing yet). */
  private OSNodeStatus outcome(OSNode node, OSNodeStatus s, Instruction i) {
    String name = node.getMetadata().getName();
    return switch (i.action()) {
      case None -> s;
      case Stage -> staged(s, i);
      case Activate -> {
        if (holding.contains(name)) {
          yield s;
        }
        if (failing.contains(name)) {
          // As the real agent reports a bootloader fallback: state BootFailed, lastError.
          yield new OSNodeStatus(
              node.getMetadata().getGeneration(),
              AgentState.BootFailed,
              s.lastCompletedInstructionId(),
              s.deployments(),
              s.booted(),
              null,
              new AgentError(i.id(), "BootFailed", "kernel panic (simulated)", null),
              null);
        }
        reboot(name);
        yield boot(i.commit(), s.booted().commit(), i.id());
      }
      case Rollback -> {
        if (!i.commit().equals(s.booted().commit())) {
          reboot(name);
        }
        yield boot(i.commit(), null, i.id());
      }
    };
  }

  private void reboot(String node) {
    reboots.add(node);
    onReboot.accept(node);
  }

  private void later(Duration delay, String node, OSNodeStatus status) {
    timer.schedule(() -> report(node, status), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

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

  private static OSNodeStatus boot(String commit, String previous, String completed) {
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
        new BootedDeployment(commit, version, "boot-" + commit.charAt(0)),
        null,
        null,
        null);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
