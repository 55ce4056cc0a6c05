package dev.treewave.operator.rollout;

import dev.treewave.api.v1alpha1.NodeIssue;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.api.v1alpha1.OSImageStatus;
import dev.treewave.operator.plan.AgentView.Outcome;
import dev.treewave.operator.plan.NodeStep;
import dev.treewave.operator.plan.NodeView;
import dev.treewave.operator.plan.RolloutPlan;
import dev.treewave.operator.plan.RolloutPolicy;
import dev.treewave.operator.status.StatusAggregator;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;

/** Which steps and phase changes deserve an Event, in words a person reads. */
final class StepEvents {
  private StepEvents() {}

  static void announce(EventSink events, OSImage image, NodeStep step, NodeView node) {
    String n = step.node();
    if (step instanceof NodeStep.Cordon) {
      events.normal(image, "Cordoned", n + ": cordoned; draining through the Eviction API");
    } else if (step instanceof NodeStep.Drain d && d.force()) {
      events.warning(image, "ForcedDrain", n + ": drain timed out; deleting remaining pods");
    } else if (step instanceof NodeStep.Activate a) {
      events.normal(image, "Activating", n + ": drained; told to boot " + a.commit());
    } else if (step instanceof NodeStep.Rollback r) {
      events.warning(
          image,
          "RollingBack",
          n + ": rolling back to " + r.commit() + " (" + r.outcome().reason() + ")");
    } else if (step instanceof NodeStep.Release r) {
      // A release after a rollback carries no new outcome; the one recorded earlier says why.
      Outcome o =
          r.outcome() != null ? r.outcome() : node != null ? node.agentOrEmpty().outcome() : null;
      if (o != null && o.kind() == Outcome.Kind.SKIPPED) {
        events.warning(image, "Skipped", n + ": " + o.reason() + "; uncordoned and skipped");
      } else if (o != null && o.kind() == Outcome.Kind.ROLLED_BACK) {
        events.normal(image, "RolledBack", n + ": rolled back (" + o.reason() + "); uncordoned");
      } else if (o != null
          && o.kind() == Outcome.Kind.FAILED
          && r.outcome() != null
          && !o.reason().startsWith("HealthGateFailed")
          && !o.reason().startsWith("Activation")) {
        events.warning(
            image,
            "Released",
            n + ": " + o.reason() + "; counted failed and uncordoned (stuck-node policy Skip)");
      } else if (o != null && o.kind() == Outcome.Kind.FAILED) {
        events.normal(
            image,
            "Uncordoned",
            n + ": back on its previous deployment after a failure; uncordoned");
      } else {
        events.normal(image, "Uncordoned", n + ": healthy; uncordoned");
      }
    } else if (step instanceof NodeStep.RecordOutcome r
        && r.outcome().kind() == Outcome.Kind.ROLLBACK_REQUESTED) {
      events.warning(
          image, "RollbackRequested", n + ": to be rolled back (" + r.outcome().reason() + ")");
    }
  }

  /** One Warning per node and reason when a blocker first appears, not on every reconcile. */
  static void announceBlockers(
      EventSink events,
      OSImage image,
      OSImageStatus old,
      OSImageStatus now,
      List<RolloutPlan.Blocker> announcedFailures) {
    if (now.blockers() == null) {
      return;
    }
    for (NodeIssue b : now.blockers()) {
      boolean seen =
          announcedFailures.stream()
                  .anyMatch(f -> f.node().equals(b.node()) && f.reason().equals(b.reason()))
              || old != null
                  && old.blockers() != null
                  && old.blockers().stream()
                      .anyMatch(
                          o ->
                              Objects.equals(o.node(), b.node())
                                  && Objects.equals(o.reason(), b.reason()));
      if (!seen) {
        events.warning(
            image,
            b.reason(),
            b.node()
                + ": "
                + b.message()
                + (b.since() != null ? " (since " + b.since() + ")" : ""));
      }
    }
  }

  /** What a retry annotation did, node by node. */
  static void announceRetry(
      EventSink events, OSImage image, RolloutPolicy.Retry retry, List<NodeStep> steps) {
    List<String> retried =
        steps.stream().filter(s -> s instanceof NodeStep.Retry).map(NodeStep::node).toList();
    List<String> nothing =
        retry.nodes().stream().filter(n -> !retried.contains(n)).sorted().toList();
    String message =
        (retried.isEmpty() ? "no node to retry" : "retrying " + String.join(", ", retried))
            + (nothing.isEmpty()
                ? ""
                : "; not failed, skipped or stuck (nothing to retry): "
                    + String.join(", ", nothing));
    events.normal(image, "RetryRequested", message);
  }

  /** Once when this OSImage starts leaving nodes to another one, not on every reconcile. */
  static void announceConflict(
      EventSink events, OSImage image, OSImageStatus old, OSImageStatus now) {
    Condition after = conflict(now);
    if (after == null || !"True".equals(after.getStatus())) {
      return;
    }
    Condition before = conflict(old);
    if (before == null || !"True".equals(before.getStatus())) {
      events.warning(image, "NodeConflict", after.getMessage());
    }
  }

  private static Condition conflict(OSImageStatus status) {
    return status == null
        ? null
        : status.conditionsOrEmpty().stream()
            .filter(c -> StatusAggregator.CONFLICT.equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  static void announcePhase(EventSink events, OSImage image, OSImageStatus old, OSImageStatus now) {
    OSImagePhase before = old != null ? old.phase() : null;
    if (Objects.equals(before, now.phase())) {
      return;
    }
    String message =
        "phase "
            + before
            + " -> "
            + now.phase()
            + " ("
            + now.nodes().updated()
            + "/"
            + now.nodes().total()
            + " updated)";
    if (now.phase() == OSImagePhase.Failed) {
      events.warning(image, "RolloutFailed", message);
    } else {
      events.normal(image, "Rollout" + now.phase(), message);
    }
  }
}
