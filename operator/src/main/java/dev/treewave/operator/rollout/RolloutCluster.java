package dev.treewave.operator.rollout;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.operator.plan.NodeStep;
import dev.treewave.operator.plan.NodeView;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** The cluster as the rollout sees it: one port for reads and one for node effects. */
public interface RolloutCluster {

  /**
   * Finds the nodes {@code image} targets and owns (see {@link #read(OSImage, String, Selection)}),
   * once per pass: the calls below take what it found. At 1000 nodes, matching every Node against
   * every OSImage's selector was a tenth of the operator's CPU when each call did it again.
   */
  Selection select(OSImage image);

  /** What {@link #select} found for one OSImage; opaque to the rollout. */
  interface Selection {}

  /**
   * Makes sure each OSNode of a node {@code image} targets and owns names {@code image} and {@code
   * target}, updating it (ownership as in {@link #read}); reads nothing back. A node without an
   * OSNode gets one from its Stage step (with the instruction) or {@link #createMissingOSNodes};
   * {@link #read} shows it without an agent meanwhile.
   *
   * @return whether an OSNode was created or changed: see {@link #apply} for why that matters
   */
  boolean ensureOSNodes(OSImage image, String target, Selection nodes);

  /**
   * After the steps: creates the OSNodes still missing (nodes the plan did not stage yet), so their
   * agents report.
   *
   * @return whether one was created
   */
  boolean createMissingOSNodes(OSImage image, String target, Selection nodes);

  /**
   * The {@code nodes} as views with their OSNodes. {@link #select} finds them: the nodes {@code
   * image} targets and owns (see {@link dev.treewave.operator.plan.NodeOwnership}: a node being
   * updated stays with its updater, else the earliest-created OSImage selecting it owns it), plus
   * those {@code image} still has cordoned even if no longer selected. Writes nothing, and sees
   * this operator's own earlier writes.
   */
  ClusterRead read(OSImage image, String target, Selection nodes);

  /** {@link #read} of the nodes {@code image} owns now. */
  default ClusterRead read(OSImage image, String target) {
    return read(image, target, select(image));
  }

  /**
   * For one pass: the pods on a node that would block its drain right now (PDBs, drain settings).
   * The function may remember what it read for the rest of the pass.
   */
  Function<String, List<String>> drainBlockers(OSImage image);

  /**
   * Carries out one planned step. Idempotent.
   *
   * @return whether the step changed a Node or OSNode. The watch event of such a change does not
   *     wake the reconciler (the cache already holds it), so the caller looks again itself, as soon
   *     as the next step may be due.
   */
  boolean apply(OSImage image, NodeStep step, Instant now);

  /**
   * Removes the retry annotation once its retries are applied, unless a person changed it meanwhile
   * (then it is acted on at the next reconcile).
   *
   * @param value the annotation's value that was acted on
   */
  void clearRetryRequest(OSImage image, String value);

  /** On OSImage deletion: uncordon what it cordoned and withdraw its instructions. */
  void releaseAll(OSImage image);

  /**
   * @param conflicts nodes the image selects but another OSImage owns, one line per owner naming it
   *     and the nodes
   */
  record ClusterRead(List<NodeView> nodes, List<String> conflicts) {}
}
