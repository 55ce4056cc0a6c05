package dev.treewave.operator.rollout;

import dev.treewave.api.v1alpha1.AgentError;
import dev.treewave.api.v1alpha1.AgentState;
import dev.treewave.api.v1alpha1.BootedDeployment;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.OSDeployment;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Node agents that follow the OSNode contract in api/README.md: carry out each instruction once and
 * report through the status subresource. Nodes in {@code failing} never come back healthy: their
 * reboot into the target fails (reported as an agent error).
 */
final class FakeAgents {
  static final String OLD = "0".repeat(64);

  private final KubernetesClient client;
  final Set<String> failing = new HashSet<>();

  /** Nodes whose agent has not acted on its Activate yet (it is still "about to reboot"). */
  final Set<String> holding = new HashSet<>();

  final List<String> reboots = new ArrayList<>();

  /** Told of each reboot before the agent reports it, e.g. to make pods on the node unready. */
  Consumer<String> onReboot = node -> {};

  FakeAgents(KubernetesClient client) {
    this.client = client;
  }

  synchronized void act() {
    for (OSNode node : client.resources(OSNode.class).list().getItems()) {
      String name = node.getMetadata().getName();
      OSNodeStatus s = node.getStatus() != null ? node.getStatus() : boot(OLD, null, null);
      Instruction i = node.getSpec().instruction();
      if (i != null
          && !i.id().equals(s.lastCompletedInstructionId())
          && (s.lastError() == null || !i.id().equals(s.lastError().instructionId()))) {
        s =
            switch (i.action()) {
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
      node.setStatus(s);
      client.resource(node).updateStatus();
    }
  }

  private void reboot(String node) {
    reboots.add(node);
    onReboot.accept(node);
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
    deployments.add(
        new OSDeployment(
            "fedora",
            commit,
            commit.equals(OLD) ? "40" : "41.1",
            0,
            true,
            false,
            false,
            false,
            false));
    if (previous != null) {
      deployments.add(
          new OSDeployment("fedora", previous, "40", 0, false, false, true, false, false));
    }
    return new OSNodeStatus(
        null,
        completed == null ? AgentState.Idle : AgentState.Booted,
        completed,
        deployments,
        new BootedDeployment(
            commit, commit.equals(OLD) ? "40" : "41.1", "boot-" + commit.charAt(0)),
        null,
        null,
        null);
  }
}
