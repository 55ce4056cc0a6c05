package dev.treewave.operator.plan;

import dev.treewave.operator.plan.AgentView.Action;
import dev.treewave.operator.plan.AgentView.Outcome;
import dev.treewave.operator.plan.AgentView.Outcome.Kind;
import dev.treewave.operator.plan.AgentView.PlannedInstruction;
import dev.treewave.operator.plan.RolloutPlan.Blocker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves nodes that already hold a disruption slot one step further: drain, activate, health gate,
 * release, and the failure paths. Runs even while the rollout is paused or outside its window, so
 * nothing is ever left half-done.
 */
final class InFlightNodes {
  /**
   * A drain past its timeout under {@code onTimeout: Force} on an operator not allowed to delete
   * pods: a person must grant it or change the spec.
   */
  static final String FORCE_DRAIN_DISABLED = RolloutPlan.FORCE_DRAIN_DISABLED;

  private final RolloutSnapshot snapshot;
  private final RolloutPolicy policy;
  private final String target;
  private final boolean stopForward;
  static final String PODS_AFTER_DRAIN = "PodsAfterDrain";

  final List<NodeStep> steps = new ArrayList<>();
  final List<Blocker> blockers = new ArrayList<>();
  final List<Blocker> newFailures = new ArrayList<>();

  /** Stuck nodes in a slot that the Stop policy keeps where they are: they stop the rollout. */
  final List<Blocker> stuck = new ArrayList<>();

  /** Nodes skipped in this plan (drain timeout). */
  int newSkips;

  private Instant wakeAt;

  /**
   * @param stopForward the failure policy has tripped: nodes not yet told to activate are released
   *     instead of being activated
   */
  InFlightNodes(RolloutSnapshot snapshot, boolean stopForward) {
    this.snapshot = snapshot;
    this.policy = snapshot.policy();
    this.target = snapshot.targetCommit();
    this.stopForward = stopForward;
  }

  Instant wakeAt() {
    return wakeAt;
  }

  void advance(NodeView node, NodeState state) {
    if (state.inSlot()) {
      Instant deadline = StuckNodes.nextDeadline(node, state, snapshot, null);
      if (deadline != null) {
        wake(deadline);
      }
    }
    AgentView agent = node.agentOrEmpty();
    PlannedInstruction instr = agent.instruction();
    switch (state) {
      case STAGING -> {
        if (agent.failed(instr)) {
          fail(node, "StageFailed", agent.failure(), null);
        }
      }
      case DRAINING -> drain(node, agent);
      case ACTIVATING -> {
        // The instruction may be for an earlier target (see NodeState): the node finishes that
        // step first, and a failure sends it back from that commit.
        Blocker silent = StuckNodes.silent(node, snapshot);
        if (!agent.failed(instr) && !node.podsToEvict().isEmpty()) {
          evictLateArrivals(node);
        }
        if (agent.failed(instr)) {
          fail(node, "ActivationFailed", agent.failure(), instr.commit());
        } else if (silent != null) {
          stuckInSlot(
              new Blocker(
                  node.name(),
                  StuckNodes.NEVER_RETURNED,
                  "told to boot "
                      + instr.commit()
                      + " at "
                      + instr.issuedAt()
                      + ", the node never came back: "
                      + silent.message(),
                  silent.since()));
        } else if (pastDeadline(instr)) {
          fail(
              node,
              "ActivationTimedOut",
              "did not boot " + instr.commit() + " in time",
              instr.commit());
        }
      }
      case VERIFYING -> verify(node, instr);
      case ROLLING_BACK -> {
        if (agent.completed(instr) && node.ready() && rollbackHealthy(node, instr)) {
          steps.add(new NodeStep.Release(node.name(), rolledBackOutcome(agent.outcome())));
        } else if (agent.failed(instr)) {
          blockers.add(
              new Blocker(
                  node.name(),
                  "RollbackFailed",
                  "rollback failed, node left cordoned for a person: " + agent.failure()));
        } else if (StuckNodes.silent(node, snapshot) != null) {
          Blocker silent = StuckNodes.silent(node, snapshot);
          blockers.add(
              new Blocker(
                  node.name(),
                  silent.reason(),
                  "told to roll back, node left cordoned for a person: " + silent.message(),
                  silent.since()));
        }
      }
      case RELEASING -> steps.add(new NodeStep.Release(node.name(), null));
      default -> {}
    }
  }

  /**
   * Pods that landed on the node after its drain (cordoning does not stop a pod with nodeName set,
   * or one tolerating the unschedulable taint) are evicted again before the reboot takes them, and
   * named in status meanwhile: never silently left to be killed by the reboot.
   */
  private void evictLateArrivals(NodeView node) {
    steps.add(new NodeStep.Drain(node.name(), false));
    blockers.add(
        new Blocker(
            node.name(),
            PODS_AFTER_DRAIN,
            "pods arrived on the cordoned node after its drain; evicting them before the reboot: "
                + String.join(", ", node.podsToEvict()),
            snapshot.now()));
  }

  private void drain(NodeView node, AgentView agent) {
    boolean rollback = agent.outcome() != null && agent.outcome().kind() == Kind.ROLLBACK_REQUESTED;
    if ((stopForward || policy.aborted()) && !rollback) {
      // Never to be activated (failure policy tripped, or a person aborted): still on its old OS,
      // so nothing is left to drain for.
      steps.add(new NodeStep.Release(node.name(), null));
      return;
    }
    if (!node.drained()) {
      Instant deadline = startOr(node.drainStartedAt()).plus(policy.drainTimeout());
      if (snapshot.now().isBefore(deadline)) {
        steps.add(new NodeStep.Drain(node.name(), false));
        wake(deadline);
      } else if (policy.forceDrainOnTimeout() && policy.forceDeleteAllowed()) {
        steps.add(new NodeStep.Drain(node.name(), true));
      } else if (policy.forceDrainOnTimeout()) {
        // The spec asks for deletes the operator was not granted: keep evicting (a budget may
        // still allow it), and name the node and the setting rather than try a refused delete.
        steps.add(new NodeStep.Drain(node.name(), false));
        blockers.add(
            new Blocker(
                node.name(),
                FORCE_DRAIN_DISABLED,
                "drain did not finish within "
                    + policy.drainTimeout()
                    + " and spec.drain.onTimeout is Force, but this operator may not delete pods:"
                    + " install the chart with operator.drain.allowForceDelete=true, or set"
                    + " spec.drain.onTimeout to Uncordon; still evicting",
                node.drainStartedAt()));
      } else {
        String why = "drain did not finish within " + policy.drainTimeout();
        Outcome skipped =
            new Outcome(Kind.SKIPPED, target, StuckNodes.DRAIN_TIMED_OUT + ": " + why);
        steps.add(new NodeStep.Release(node.name(), rollback ? null : skipped));
        blockers.add(
            new Blocker(node.name(), StuckNodes.DRAIN_TIMED_OUT, why, node.drainStartedAt()));
        if (!rollback) {
          newSkips++;
        }
      }
      return;
    }
    if (rollback) {
      rollbackTo(node, agent.outcome(), target);
    } else {
      steps.add(new NodeStep.Activate(node.name(), target));
    }
  }

  /**
   * Under spec.rollback a node going back passes the same health gate as one going forward (its
   * selected pods Ready for the stable period); past the health timeout it stays cordoned, named,
   * and keeps its slot, which stops the rollback for a person to look.
   */
  private boolean rollbackHealthy(NodeView node, PlannedInstruction instr) {
    if (!policy.rollbackAll()) {
      return true;
    }
    Instant stableAt =
        startOr(latest(node.readySince(), instr.issuedAt())).plus(policy.stablePeriod());
    if (node.podsHealthy() && !snapshot.now().isBefore(stableAt)) {
      return true;
    }
    if (pastDeadline(instr)) {
      blockers.add(
          new Blocker(
              node.name(),
              "RollbackUnhealthy",
              "back on its previous deployment but selected pods not Ready within "
                  + policy.healthTimeout()
                  + "; left cordoned for a person"));
    } else if (node.podsHealthy()) {
      wake(stableAt);
    }
    return false;
  }

  private void verify(NodeView node, PlannedInstruction instr) {
    if (stopForward && (policy.rollbackOnFailure() || policy.rollbackAll())) {
      String why = policy.rollbackAll() ? RolloutPlanner.ROLLBACK_REASON : "failure policy";
      rollbackTo(node, new Outcome(Kind.ROLLBACK_REQUESTED, target, why), target);
      return;
    }
    Instant issued = instr != null && instr.issuedAt() != null ? instr.issuedAt() : null;
    Instant stableSince = latest(node.readySince(), issued);
    Instant stableAt = startOr(stableSince).plus(policy.stablePeriod());
    boolean healthy = node.ready() && node.podsHealthy();
    if (healthy && !snapshot.now().isBefore(stableAt)) {
      steps.add(new NodeStep.Release(node.name(), null));
    } else if (pastDeadline(instr)) {
      String why = !node.ready() ? "node not Ready" : "selected pods not Ready";
      fail(node, "HealthGateFailed", why + " within " + policy.healthTimeout(), target);
    } else {
      if (healthy) {
        wake(stableAt);
      }
    }
  }

  /**
   * Records a failure and, when the node may have left its old OS, sends it back.
   *
   * @param leaving the commit the node was told to boot, or null when it was not (staging)
   */
  private void fail(NodeView node, String reason, String message, String leaving) {
    Blocker silent = leaving != null ? StuckNodes.silent(node, snapshot) : null;
    if (silent != null) {
      // A Rollback would wait for an agent that is not there: name the node instead.
      stuckInSlot(
          new Blocker(
              node.name(), silent.reason(), reason + " and " + silent.message(), silent.since()));
      return;
    }
    Outcome failed = new Outcome(Kind.FAILED, target, reason + ": " + message);
    newFailures.add(new Blocker(node.name(), reason, message));
    if (leaving == null) {
      steps.add(new NodeStep.RecordOutcome(node.name(), failed));
      return;
    }
    rollbackTo(node, failed, leaving);
  }

  /**
   * A node in a slot whose agent is gone. Skip: count it failed and release the slot (uncordon);
   * Stop: leave it cordoned, holding its slot, named, and stop the rollout. Never silently.
   */
  private void stuckInSlot(Blocker blocker) {
    blockers.add(blocker);
    if (policy.skipStuck()) {
      newFailures.add(blocker);
      steps.add(
          new NodeStep.Release(
              blocker.node(),
              new Outcome(Kind.FAILED, target, blocker.reason() + ": " + blocker.message())));
    } else {
      stuck.add(blocker);
    }
  }

  private void rollbackTo(NodeView node, Outcome outcome, String leaving) {
    AgentView agent = node.agentOrEmpty();
    String booted = agent.bootedCommit();
    // Still on the old OS (it never rebooted): "roll back" to what runs now, which cancels the
    // pending activation without a reboot.
    String back = booted != null && !booted.equals(leaving) ? booted : agent.previousCommit();
    if (back == null) {
      steps.add(new NodeStep.RecordOutcome(node.name(), outcome));
      blockers.add(
          new Blocker(
              node.name(),
              "NoRollbackDeployment",
              "no previous deployment to roll back to; node left cordoned for a person"));
      return;
    }
    steps.add(new NodeStep.Rollback(node.name(), back, outcome));
  }

  private Outcome rolledBackOutcome(Outcome current) {
    if (current != null && current.kind() == Kind.ROLLBACK_REQUESTED) {
      return new Outcome(Kind.ROLLED_BACK, target, current.reason());
    }
    return null;
  }

  private boolean pastDeadline(PlannedInstruction instr) {
    if (instr == null || instr.issuedAt() == null || instr.action() == Action.NONE) {
      return false;
    }
    Instant deadline = instr.issuedAt().plus(policy.healthTimeout());
    if (snapshot.now().isBefore(deadline)) {
      wake(deadline);
      return false;
    }
    return true;
  }

  private Instant startOr(Instant t) {
    return t != null ? t : snapshot.now();
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  private void wake(Instant t) {
    if (wakeAt == null || t.isBefore(wakeAt)) {
      wakeAt = t;
    }
  }
}
