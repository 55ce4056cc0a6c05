package dev.treewave.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.AgentView.Action;
import dev.treewave.operator.plan.AgentView.Outcome;
import dev.treewave.operator.plan.AgentView.PlannedInstruction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster in memory for planner tests: applies plan steps the way the reconciler's ports would,
 * and plays every node agent. After each plan it checks the invariants a user relies on.
 */
final class SimulatedCluster {
  static final String OLD = "0".repeat(64);
  static final String TARGET = "a".repeat(64);

  enum Behavior {
    GOOD,
    FAILS_TO_STAGE,
    FAILS_HEALTH_GATE,
    DRAIN_BLOCKED_BY_PDB,
    DRAIN_NEVER_FINISHES,
    /** No agent ever reports: no OSNode status at all. */
    NO_AGENT,
    /** The agent reported once, then died: it never acts or reports again. */
    AGENT_DIES,
    /** The agent reports the host Unmanaged and never acts. */
    UNMANAGED,
    /** The agent is alive but keeps retrying a stage that never finishes. */
    STAGE_RETRIES_FOREVER,
    /** The agent acts until it is told to activate; the node never comes back from the reboot. */
    NEVER_RETURNS
  }

  static final class Node {
    final String name;
    String zone;
    boolean ready = true;
    Instant readySince = Instant.parse("2026-01-01T00:00:00Z");
    boolean unschedulable;
    boolean cordonedByUs;
    Instant drainStartedAt;
    boolean drained;

    /** Pods that landed on the node after its drain (nodeName set); a drain pass evicts them. */
    List<String> lateArrivals = List.of();

    boolean podsHealthy = true;
    PlannedInstruction instruction;
    String lastCompleted;
    String failedId;
    String booted = OLD;
    String staged;
    String previous;
    Outcome outcome;
    Behavior behavior = Behavior.GOOD;
    int cordons;
    int reboots;
    Instant lastSeen;
    boolean dead;

    /** Reboots per commit booted: a change of target must never reboot a node twice into one. */
    final Map<String, Integer> rebootsInto = new HashMap<>();

    /** Stage instructions received per commit (each may download). */
    final Map<String, Integer> stagesOf = new HashMap<>();

    /** The agent does nothing while true (e.g. it is rebooting). */
    boolean agentHeld;

    Node(String name) {
      this.name = name;
    }

    NodeView view() {
      List<String> blockers =
          behavior == Behavior.DRAIN_BLOCKED_BY_PDB && !cordonedByUs
              ? List.of("pod default/db-0: PodDisruptionBudget db allows 0 disruptions")
              : List.of();
      return new NodeView(
          name,
          zone,
          ready,
          readySince,
          unschedulable,
          cordonedByUs,
          drainStartedAt,
          drained,
          lateArrivals,
          blockers,
          podsHealthy,
          new AgentView(
              instruction,
              lastCompleted,
              failedId,
              failedId != null ? "simulated failure" : null,
              booted,
              staged,
              previous,
              staged != null || TARGET.equals(booted) ? "41.1" : null,
              outcome,
              behavior != Behavior.NO_AGENT,
              lastSeen,
              behavior == Behavior.UNMANAGED ? "NotOstreeBooted: not an OSTree system" : null,
              behavior == Behavior.STAGE_RETRIES_FOREVER
                  ? "PullFailed: connection refused (attempt 1 of 5)"
                  : null));
    }
  }

  final Map<String, Node> nodes = new LinkedHashMap<>();
  Instant now = Instant.parse("2026-03-02T10:00:00Z"); // a Monday

  /** The commit to roll out; a test may change it mid-rollout, as a GitOps revert does. */
  String target = TARGET;

  String leader;
  List<FrozenWave> frozen = List.of();
  final List<String> cordonOrder = new ArrayList<>();
  final List<RolloutPlan> plans = new ArrayList<>();
  int maxUnavailableSeen;

  /** What the last status showed, as the reconciler feeds it back (since kept, as status does). */
  List<RolloutPlan.Blocker> blockers = List.of();

  private int nextId;

  SimulatedCluster(int count) {
    for (int i = 0; i < count; i++) {
      String name = String.format("node-%02d", i);
      nodes.put(name, new Node(name));
    }
  }

  Node node(String name) {
    return nodes.get(name);
  }

  RolloutSnapshot snapshot(RolloutPolicy policy) {
    return new RolloutSnapshot(
        now,
        target,
        policy,
        nodes.values().stream().map(Node::view).toList(),
        frozen,
        leader,
        blockers);
  }

  /** Plans once, records waves as status would, applies the steps. */
  RolloutPlan step(RolloutPolicy policy) {
    RolloutPlan plan = RolloutPlanner.plan(snapshot(policy));
    plans.add(plan);
    List<RolloutPlan.Blocker> shown = blockers;
    blockers =
        plan.blockers().stream()
            .map(
                b ->
                    new RolloutPlan.Blocker(
                        b.node(),
                        b.reason(),
                        b.message(),
                        b.since() != null
                            ? b.since()
                            : shown.stream()
                                .filter(
                                    o -> o.node().equals(b.node()) && o.reason().equals(b.reason()))
                                .map(RolloutPlan.Blocker::since)
                                .findFirst()
                                .orElse(now)))
            .toList();
    frozen =
        plan.waves().stream()
            .map(w -> new FrozenWave(w.index(), w.nodes(), w.completedAt()))
            .toList();
    int before = unavailable();
    apply(plan.steps());
    int after = unavailable();
    maxUnavailableSeen = Math.max(maxUnavailableSeen, after);
    int budget = policy.maxUnavailable().ofRoundedDownAtLeastOne(nodes.size());
    assertThat(after)
        .as("unavailable nodes after applying %s", plan.steps())
        .isLessThanOrEqualTo(Math.max(budget, before));
    if (plan.steps().stream().anyMatch(st -> st instanceof NodeStep.Cordon)) {
      assertThat(after)
          .as("cordoned beyond the budget: %s", plan.steps())
          .isLessThanOrEqualTo(budget);
    }
    return plan;
  }

  int unavailable() {
    return (int) nodes.values().stream().filter(n -> !n.ready || n.unschedulable).count();
  }

  /** Runs plan → apply → agents → time passes, until nothing changes or the limit. */
  RolloutPlan run(RolloutPolicy policy, int rounds) {
    RolloutPlan plan = null;
    for (int i = 0; i < rounds; i++) {
      plan = step(policy);
      agentsAct();
      now = now.plus(Duration.ofMinutes(1));
    }
    return plan;
  }

  void apply(List<NodeStep> steps) {
    for (NodeStep step : steps) {
      Node n = nodes.get(step.node());
      if (step instanceof NodeStep.Stage s) {
        n.instruction = instr(Action.STAGE, s.commit());
        n.stagesOf.merge(s.commit(), 1, Integer::sum);
      } else if (step instanceof NodeStep.Withdraw) {
        assertThat(n.instruction.action()).as("withdraw only a Stage").isEqualTo(Action.STAGE);
        n.instruction = null;
      } else if (step instanceof NodeStep.Cordon) {
        assertThat(n.unschedulable).as("cordon of an already cordoned node " + n.name).isFalse();
        n.unschedulable = true;
        n.cordonedByUs = true;
        n.drainStartedAt = now;
        n.drained = false;
        n.cordons++;
        cordonOrder.add(n.name);
      } else if (step instanceof NodeStep.Drain d) {
        boolean stuck =
            n.behavior == Behavior.DRAIN_BLOCKED_BY_PDB
                || n.behavior == Behavior.DRAIN_NEVER_FINISHES;
        n.drained = d.force() || !stuck;
        n.lateArrivals = List.of();
      } else if (step instanceof NodeStep.Activate a) {
        assertThat(n.cordonedByUs && n.drained).as("activate only drained nodes").isTrue();
        n.instruction = instr(Action.ACTIVATE, a.commit());
      } else if (step instanceof NodeStep.Rollback r) {
        n.instruction = instr(Action.ROLLBACK, r.commit());
        n.outcome = r.outcome();
      } else if (step instanceof NodeStep.RecordOutcome r) {
        n.outcome = r.outcome();
      } else if (step instanceof NodeStep.Retry r) {
        assertThat(n.cordonedByUs).as("retry only released nodes: " + n.name).isFalse();
        n.outcome = null;
        n.instruction = instr(Action.STAGE, r.commit());
      } else if (step instanceof NodeStep.Release r) {
        assertThat(n.cordonedByUs).as("release only what we cordoned: " + n.name).isTrue();
        if (r.outcome() != null) {
          n.outcome = r.outcome();
        }
        n.unschedulable = false;
        n.cordonedByUs = false;
        n.drainStartedAt = null;
      }
    }
  }

  void agentsAct() {
    for (Node n : nodes.values()) {
      boolean silent =
          n.dead
              || n.behavior == Behavior.NO_AGENT
              || (n.behavior == Behavior.AGENT_DIES && n.lastSeen != null);
      if (silent) {
        continue;
      }
      n.lastSeen = now;
      if (n.behavior == Behavior.UNMANAGED || n.behavior == Behavior.STAGE_RETRIES_FOREVER) {
        continue;
      }
      PlannedInstruction i = n.instruction;
      if (i == null || n.agentHeld || i.id().equals(n.lastCompleted) || i.id().equals(n.failedId)) {
        continue;
      }
      switch (i.action()) {
        case STAGE -> {
          if (n.behavior == Behavior.FAILS_TO_STAGE) {
            // as the real agent: its Failed state completes the instruction and reports the error
            n.failedId = i.id();
            n.lastCompleted = i.id();
          } else {
            n.staged = i.commit();
            n.lastCompleted = i.id();
          }
        }
        case ACTIVATE -> {
          if (n.behavior == Behavior.NEVER_RETURNS) {
            n.dead = true; // rebooted, and neither the node nor its agent came back
            n.ready = false;
            continue;
          }
          rebooting(n, i.commit());
          n.previous = n.booted;
          n.booted = i.commit();
          n.staged = null;
          n.lastCompleted = i.id();
          n.readySince = now;
          if (n.behavior == Behavior.FAILS_HEALTH_GATE) {
            n.ready = false;
          }
        }
        case ROLLBACK -> {
          if (!i.commit().equals(n.booted)) {
            rebooting(n, i.commit());
            n.previous = n.booted;
            n.booted = i.commit();
          }
          n.ready = true;
          n.readySince = now;
          n.lastCompleted = i.id();
        }
        case NONE -> {}
      }
    }
  }

  private static void rebooting(Node n, String into) {
    assertThat(n.unschedulable).as(n.name + " rebooted while schedulable").isTrue();
    n.reboots++;
    int times = n.rebootsInto.merge(into, 1, Integer::sum);
    assertThat(times).as(n.name + " rebooted twice into " + into).isEqualTo(1);
  }

  private PlannedInstruction instr(Action action, String commit) {
    return new PlannedInstruction("i-" + nextId++, action, commit, now);
  }

  Map<NodeState, Integer> stateCounts(RolloutPolicy policy) {
    Map<NodeState, Integer> counts = new HashMap<>();
    for (Node n : nodes.values()) {
      counts.merge(NodeState.of(n.view(), target), 1, Integer::sum);
    }
    return counts;
  }
}
