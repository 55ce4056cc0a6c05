package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.DrainSpec;
import dev.treewave.api.v1alpha1.HealthSpec;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImageSpec;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeSpec;
import dev.treewave.operator.plan.AgentView.Outcome;
import dev.treewave.operator.plan.NodeOwnership;
import dev.treewave.operator.plan.NodeState;
import dev.treewave.operator.plan.NodeStep;
import dev.treewave.operator.plan.NodeView;
import dev.treewave.operator.rollout.RolloutCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** {@link RolloutCluster} over the Kubernetes API. */
public final class KubeRolloutCluster implements RolloutCluster {
  private final KubernetesClient client;
  private final Drainer drainer;
  private final ClusterReads reads;
  private final ExecutorService pool;
  private final BareViews bareViews = new BareViews();

  /** Reads straight from the API server on every reconcile, one call at a time (preview, tests). */
  public KubeRolloutCluster(KubernetesClient client, Drainer drainer) {
    this(client, drainer, ClusterReads.direct(client), null);
  }

  /**
   * @param reads where OSImages, OSNodes and Nodes are read from; the running operator passes its
   *     informer caches
   * @param pool for per-node calls side by side while reading (OSNode creation, pod lists); null
   *     makes them one after another
   */
  public KubeRolloutCluster(
      KubernetesClient client, Drainer drainer, ClusterReads reads, ExecutorService pool) {
    this.client = client;
    this.drainer = drainer;
    this.reads = reads;
    this.pool = pool;
  }

  /**
   * Refreshes the OSNodes that exist. A missing one is created later: with its first Stage
   * instruction when the plan stages the node (one write instead of a create and a patch), else by
   * {@link #createMissingOSNodes}. Only a node we have cordoned gets its OSNode here, since its
   * steps (release, outcome) patch the OSNode.
   */
  @Override
  public boolean ensureOSNodes(OSImage image, String target, Selection nodes) {
    Owned owned = (Owned) nodes;
    Function<String, OSNode> osNodes = reads.osNodes();
    // Decided here, written side by side: at rest nothing is written, and a change of target
    // rewrites every OSNode. Only the writes go to the pool; handing it a task per node on every
    // pass cost more than the comparisons (operator/bench, 1000 nodes).
    List<Supplier<Boolean>> writes = new ArrayList<>();
    for (OwnedNode n : owned.nodes()) {
      OSNode existing = osNodes.apply(n.node().getMetadata().getName());
      if (existing == null && n.ours()) {
        writes.add(() -> create(n.node(), spec(image, target, null)));
      } else if (existing != null) {
        OSNodeSpec wanted = wantedSpec(image, target, existing);
        if (!Objects.equals(existing.getSpec(), wanted)) {
          writes.add(() -> replaceSpec(n.node().getMetadata().getName(), wanted));
        }
      }
    }
    return Parallel.all(pool, writes).contains(true);
  }

  @Override
  public boolean createMissingOSNodes(OSImage image, String target, Selection nodes) {
    Owned owned = (Owned) nodes;
    Function<String, OSNode> osNodes = reads.osNodes();
    List<Supplier<Boolean>> writes = new ArrayList<>();
    for (OwnedNode n : owned.nodes()) {
      if (osNodes.apply(n.node().getMetadata().getName()) == null) {
        writes.add(() -> create(n.node(), spec(image, target, null)));
      }
    }
    return Parallel.all(pool, writes).contains(true);
  }

  @Override
  public ClusterRead read(OSImage image, String target, Selection nodes) {
    Owned owned = (Owned) nodes;
    Function<String, OSNode> osNodes = reads.osNodes();
    BareViews.Pass bare = bareViews.pass(image.getMetadata().getName(), target);
    // Views are built here; only the nodes whose pods the planner needs (a few in flight) list
    // them, side by side on the pool.
    List<NodeView> views = new ArrayList<>(owned.nodes().size());
    List<Integer> withPods = new ArrayList<>();
    List<Supplier<NodeView>> podReads = new ArrayList<>();
    for (OwnedNode n : owned.nodes()) {
      OSNode osNode = osNodes.apply(n.node().getMetadata().getName());
      NodeView view = bare.of(n.node(), osNode);
      PodRead podRead = n.ours() ? podRead(image, target, view) : PodRead.NONE;
      if (podRead != PodRead.NONE) {
        withPods.add(views.size());
        podReads.add(() -> withPods(image, target, n.node(), osNode, podRead));
      }
      views.add(view);
    }
    bare.done();
    List<NodeView> listed = Parallel.all(pool, podReads);
    for (int i = 0; i < listed.size(); i++) {
      views.set(withPods.get(i), listed.get(i));
    }
    return new ClusterRead(List.copyOf(views), NodeOwnership.describe(owned.lost()));
  }

  /**
   * @param nodes the nodes {@code image} owns, in the reads' order
   * @param lost the nodes it selects that another OSImage owns
   */
  private record Owned(List<OwnedNode> nodes, List<NodeOwnership.Lost> lost) implements Selection {}

  /**
   * @param ours {@code image} has the node cordoned
   */
  private record OwnedNode(Node node, boolean ours) {}

  @Override
  public Selection select(OSImage image) {
    String me = image.getMetadata().getName();
    // Each live OSImage's creation time is parsed once per pass, not once per node.
    List<Claiming> live =
        reads.osImages().stream()
            .filter(i -> i.getMetadata().getDeletionTimestamp() == null)
            .map(
                i ->
                    new Claiming(
                        i.getSpec().nodeSelector(),
                        new NodeOwnership.Claimant(
                            i.getMetadata().getName(),
                            NodeViews.time(i.getMetadata().getCreationTimestamp()))))
            .toList();
    Set<String> liveImages =
        live.stream().map(c -> c.claimant().name()).collect(Collectors.toSet());
    LabelSelector selector = image.getSpec().nodeSelector();
    List<OwnedNode> nodes = new ArrayList<>();
    List<NodeOwnership.Lost> lost = new ArrayList<>();
    for (Node node : reads.nodes()) {
      String name = node.getMetadata().getName();
      String cordonedBy = annotation(node, Annotations.CORDONED_BY);
      boolean ours = me.equals(cordonedBy);
      if (!ours && !Selectors.matches(selector, node.getMetadata().getLabels())) {
        continue;
      }
      String owner = NodeOwnership.owner(claimants(live, node), cordonedBy, liveImages).orElse(me);
      if (!owner.equals(me)) {
        lost.add(new NodeOwnership.Lost(name, owner, owner.equals(cordonedBy)));
        continue;
      }
      nodes.add(new OwnedNode(node, ours));
    }
    return new Owned(nodes, lost);
  }

  /** A live OSImage as a claimant of the nodes its selector matches. */
  private record Claiming(LabelSelector selector, NodeOwnership.Claimant claimant) {}

  /** The live OSImages whose node selector matches {@code node}. */
  private static List<NodeOwnership.Claimant> claimants(List<Claiming> live, Node node) {
    List<NodeOwnership.Claimant> claimants = new ArrayList<>(1);
    for (Claiming c : live) {
      if (Selectors.matches(c.selector(), node.getMetadata().getLabels())) {
        claimants.add(c.claimant());
      }
    }
    return claimants;
  }

  /** Which pods a node's view needs, if any. */
  private enum PodRead {
    NONE,
    /** Draining, or waiting for the reboot: a list a few seconds old will do (Drainer). */
    DRAIN,
    /** The health gate reads readiness, which only a list of now can tell. */
    HEALTH
  }

  /**
   * Whether the node's pods are listed: only when the planner will look at them, while we drain it,
   * while it waits for its reboot (a pod can still land there: see {@link NodeView}), and in the
   * health gate when pods are selected. Listing them for every node in flight on every reconcile
   * was the largest share of the operator's API requests (operator/bench).
   */
  private static PodRead podRead(OSImage image, String target, NodeView bare) {
    NodeState state = NodeState.of(bare, target);
    if (state == NodeState.DRAINING || (state == NodeState.ACTIVATING && bare.cordonedByUs())) {
      return PodRead.DRAIN;
    }
    // A node going back under spec.rollback passes the same health gate as one going forward.
    boolean gated =
        (state == NodeState.VERIFYING
                || (state == NodeState.ROLLING_BACK && image.getSpec().isRollback()))
            && !image.getSpec().healthOrDefault().podSelectorsOrEmpty().isEmpty();
    return gated ? PodRead.HEALTH : PodRead.NONE;
  }

  private NodeView withPods(
      OSImage image, String target, Node node, OSNode osNode, PodRead podRead) {
    String name = node.getMetadata().getName();
    boolean draining = podRead == PodRead.DRAIN;
    List<Pod> pods = draining ? drainer.podsOn(name) : drainer.podsOnNow(name);
    List<String> toEvict =
        draining
            ? PodFilters.toEvict(pods, image.getSpec().drainOrDefault()).stream()
                .map(PodFilters::name)
                .toList()
            : List.of();
    HealthSpec health = image.getSpec().healthOrDefault();
    boolean podsHealthy =
        draining
            || HealthPods.healthy(pods, health.podSelectorsOrEmpty(), health.namespacesOrEmpty());
    return NodeViews.of(
        node,
        osNode,
        image.getMetadata().getName(),
        target,
        toEvict.isEmpty(),
        toEvict,
        List.of(),
        podsHealthy);
  }

  /** The OSNode's base spec for {@code image} and {@code target}; its instruction kept. */
  private static OSNodeSpec wantedSpec(OSImage image, String target, OSNode existing) {
    Instruction current = existing.getSpec() != null ? existing.getSpec().instruction() : null;
    if (current != null && !image.getMetadata().getName().equals(existing.getSpec().osImage())) {
      current = null; // another (deleted) OSImage's permission does not carry over
    }
    return spec(image, target, current);
  }

  /**
   * @return whether the OSNode changed
   */
  private boolean replaceSpec(String node, OSNodeSpec wanted) {
    return wrote(
        client
            .resources(OSNode.class)
            .withName(node)
            .edit(
                o -> {
                  o.setSpec(wanted);
                  return o;
                }));
  }

  private static OSNodeSpec spec(OSImage image, String target, Instruction instruction) {
    OSImageSpec spec = image.getSpec();
    return new OSNodeSpec(
        image.getMetadata().getName(),
        spec.osName(),
        new ImageSource(spec.source().url(), spec.source().ref(), target),
        spec.verification(),
        spec.kernelArguments(),
        instruction,
        spec.source().commit() != null ? Boolean.TRUE : null);
  }

  private boolean create(Node node, OSNodeSpec spec) {
    OSNode created = new OSNode(node.getMetadata().getName(), spec);
    created
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Node")
                    .withName(node.getMetadata().getName())
                    .withUid(node.getMetadata().getUid())
                    .build()));
    return wrote(client.resource(created).create());
  }

  /**
   * Per pass, each node's blockers are found once and the PodDisruptionBudgets are listed once (the
   * pre-check may plan several times, and every node it would cordon needs the budgets).
   */
  @Override
  public Function<String, List<String>> drainBlockers(OSImage image) {
    DrainSpec drain = image.getSpec().drainOrDefault();
    Map<String, List<String>> found = new HashMap<>();
    List<PodDisruptionBudget> pdbs = new ArrayList<>();
    boolean[] listed = {false};
    return node ->
        found.computeIfAbsent(
            node,
            n -> {
              List<Pod> toEvict = PodFilters.toEvict(drainer.podsOn(n), drain);
              List<String> blockers = new ArrayList<>(PodFilters.configBlockers(toEvict, drain));
              if (!toEvict.isEmpty()) {
                if (!listed[0]) {
                  pdbs.addAll(
                      client
                          .policy()
                          .v1()
                          .podDisruptionBudget()
                          .inAnyNamespace()
                          .list()
                          .getItems());
                  listed[0] = true;
                }
                blockers.addAll(PdbCheck.blockers(toEvict, pdbs));
              }
              return List.copyOf(blockers);
            });
  }

  @Override
  public boolean apply(OSImage image, NodeStep step, Instant now) {
    String me = image.getMetadata().getName();
    if (step instanceof NodeStep.Stage s) {
      return stage(image, s, now);
    } else if (step instanceof NodeStep.Activate a) {
      return instruct(a.node(), NodeAction.Activate, a.commit(), now, null);
    } else if (step instanceof NodeStep.Rollback r) {
      return instruct(r.node(), NodeAction.Rollback, r.commit(), now, r.outcome());
    } else if (step instanceof NodeStep.Withdraw w) {
      // A merge patch with null removes the field: the agent sees no instruction and goes Idle.
      return wrote(
          client
              .resource(new OSNode(w.node(), null))
              .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"instruction\":null}}"));
    } else if (step instanceof NodeStep.RecordOutcome r) {
      return patchOSNode(r.node(), null, r.outcome());
    } else if (step instanceof NodeStep.Retry r) {
      return retry(r.node(), r.commit(), now);
    } else if (step instanceof NodeStep.Cordon c) {
      boolean changed =
          patchNode(c.node(), seen -> CordonPatch.cordon(seen, me, now), n -> cordon(n, me, now));
      drainer.forget(c.node()); // the pre-check's list predates the cordon
      return changed;
    } else if (step instanceof NodeStep.Drain d) {
      drainer.drain(d.node(), image.getSpec().drainOrDefault(), d.force());
      return false; // pods are not watched: the in-flight poll looks again
    } else if (step instanceof NodeStep.Release r) {
      boolean recorded = r.outcome() != null && patchOSNode(r.node(), null, r.outcome());
      boolean released =
          patchNode(r.node(), seen -> CordonPatch.release(seen, me), n -> release(n, me));
      drainer.forget(r.node());
      return released || recorded;
    }
    return false;
  }

  /**
   * A node without an OSNode yet (a new rollout) gets it with its Stage instruction in one create.
   * If the cache had not seen an OSNode that exists (409), the instruction is patched as usual.
   */
  private boolean stage(OSImage image, NodeStep.Stage s, Instant now) {
    Node node = reads.node(s.node());
    if (node != null && reads.osNodes().apply(s.node()) == null) {
      try {
        return create(
            node, spec(image, s.commit(), instruction(NodeAction.Stage, s.commit(), now)));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    return instruct(s.node(), NodeAction.Stage, s.commit(), now, null);
  }

  private static Instruction instruction(NodeAction action, String commit, Instant now) {
    String id =
        action.name().toLowerCase() + "-" + commit.substring(0, 12) + "-" + now.toEpochMilli();
    return new Instruction(id, action, commit, now.toString());
  }

  private boolean instruct(
      String node, NodeAction action, String commit, Instant now, Outcome outcome) {
    return patchOSNode(node, instruction(action, commit, now), outcome);
  }

  /** Drops the recorded outcome and issues a fresh Stage, in one merge patch (null deletes). */
  private boolean retry(String node, String commit, Instant now) {
    String id = "stage-" + commit.substring(0, 12) + "-" + now.toEpochMilli();
    Map<String, Object> annotations = new LinkedHashMap<>();
    annotations.put(Annotations.OUTCOME, null);
    annotations.put(Annotations.OUTCOME_REASON, null);
    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put(
        "spec",
        Map.of("instruction", new Instruction(id, NodeAction.Stage, commit, now.toString())));
    patch.put("metadata", Map.of("annotations", annotations));
    return wrote(
        client
            .resource(new OSNode(node, null))
            .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch)));
  }

  @Override
  public void clearRetryRequest(OSImage image, String value) {
    String path = "/metadata/annotations/" + OSImage.RETRY_ANNOTATION.replace("/", "~1");
    List<Map<String, Object>> ops =
        List.of(
            Map.of("op", "test", "path", path, "value", value),
            Map.of("op", "remove", "path", path));
    try {
      client
          .resources(OSImage.class)
          .withName(image.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON), Serialization.asJson(ops));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 422 && e.getCode() != 409) {
        throw e; // 422: the test failed, someone changed or removed the annotation meanwhile
      }
    }
  }

  /**
   * Sets the instruction and/or records the outcome with one JSON merge patch: no read first, since
   * the operator owns the OSNode's spec and these annotations, and both are whole-value sets.
   */
  private boolean patchOSNode(String node, Instruction instruction, Outcome outcome) {
    Map<String, Object> patch = new LinkedHashMap<>();
    if (instruction != null) {
      patch.put("spec", Map.of("instruction", instruction));
    }
    if (outcome != null) {
      Map<String, String> a = new LinkedHashMap<>();
      a.put(Annotations.OUTCOME, NodeViews.outcomeValue(outcome));
      if (outcome.reason() != null) {
        a.put(Annotations.OUTCOME_REASON, outcome.reason());
      }
      patch.put("metadata", Map.of("annotations", a));
    }
    // Through resource(stub): by name alone, fabric8 would GET the object before patching it.
    return wrote(
        client
            .resource(new OSNode(node, null))
            .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch)));
  }

  private void editOSNode(String node, UnaryOperator<OSNode> change) {
    wrote(client.resources(OSNode.class).withName(node).edit(change));
  }

  /** Hands our write to the reads (see {@link ClusterReads#wrote}); true if it changed it. */
  private boolean wrote(HasMetadata written) {
    return reads.wrote(written);
  }

  /**
   * Writes a Node without reading it first: one JSON patch decided on the cached Node and guarded
   * by its resourceVersion ({@link CordonPatch}). If the Node changed since (the guard fails: 422),
   * the cache lagged behind: decide again on a fresh read, as before.
   *
   * @param fallback the same decision on the fresh Node
   */
  private boolean patchNode(
      String name,
      Function<Node, Optional<List<Map<String, Object>>>> decide,
      UnaryOperator<Node> fallback) {
    Node seen = reads.node(name);
    if (seen != null && seen.getMetadata().getResourceVersion() != null) {
      Optional<List<Map<String, Object>>> patch = decide.apply(seen);
      if (patch.isEmpty()) {
        return false;
      }
      Node stub = new NodeBuilder().withNewMetadata().withName(name).endMetadata().build();
      try {
        return wrote(
            client
                .resource(stub)
                .patch(PatchContext.of(PatchType.JSON), Serialization.asJson(patch.get())));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 422 && e.getCode() != 409) {
          throw e;
        }
      }
    }
    return wrote(client.nodes().withName(name).edit(fallback));
  }

  private static Node cordon(Node n, String me, Instant now) {
    boolean someoneElses =
        Boolean.TRUE.equals(n.getSpec().getUnschedulable())
            && !me.equals(annotation(n, Annotations.CORDONED_BY));
    if (someoneElses) {
      return n; // never take over someone else's cordon: we could not tell whose to lift later
    }
    Map<String, String> a = mutable(n.getMetadata().getAnnotations());
    a.put(Annotations.CORDONED_BY, me);
    a.putIfAbsent(Annotations.DRAIN_STARTED, now.toString());
    n.getMetadata().setAnnotations(a);
    n.getSpec().setUnschedulable(true);
    return n;
  }

  private static Node release(Node n, String me) {
    if (!me.equals(annotation(n, Annotations.CORDONED_BY))) {
      return n; // not ours: never uncordon what we did not cordon
    }
    Map<String, String> a = mutable(n.getMetadata().getAnnotations());
    a.remove(Annotations.CORDONED_BY);
    a.remove(Annotations.DRAIN_STARTED);
    n.getMetadata().setAnnotations(a);
    n.getSpec().setUnschedulable(false);
    return n;
  }

  @Override
  public void releaseAll(OSImage image) {
    String me = image.getMetadata().getName();
    bareViews.forget(me);
    // From the API server, not the caches: this runs once, and nothing we cordoned may stay so.
    for (Node node : client.nodes().list().getItems()) {
      if (me.equals(annotation(node, Annotations.CORDONED_BY))) {
        wrote(client.nodes().withName(node.getMetadata().getName()).edit(n -> release(n, me)));
      }
    }
    for (OSNode o : client.resources(OSNode.class).list().getItems()) {
      if (o.getSpec() != null
          && me.equals(o.getSpec().osImage())
          && o.getSpec().instruction() != null) {
        editOSNode(
            o.getMetadata().getName(),
            x -> {
              x.setSpec(x.getSpec().withInstruction(null));
              return x;
            });
      }
    }
  }

  private static String annotation(Node node, String key) {
    Map<String, String> a = node.getMetadata().getAnnotations();
    return a != null ? a.get(key) : null;
  }

  private static Map<String, String> mutable(Map<String, String> a) {
    return a != null ? new HashMap<>(a) : new HashMap<>();
  }
}
