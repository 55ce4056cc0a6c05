package dev.treewave.operator.rollout;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeStatus;
import dev.treewave.operator.metrics.RolloutMetrics;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The JOSDK glue, nothing more: every decision lives in {@link RolloutService} and the planner.
 * Reconciles on OSImage changes (including annotations, hence not generation-aware), on Node
 * changes a plan can depend on and on changes to the OSNodes it manages beyond a heartbeat.
 */
@ControllerConfiguration(name = "osimage", generationAwareEventProcessing = false)
public class OSImageReconciler implements Reconciler<OSImage>, Cleaner<OSImage> {
  /** The operator's annotations on Nodes (cordoned-by, drain-started). */
  private static final String OPERATOR_PREFIX = "treewave.dev/";

  private final RolloutService service;
  private final RolloutCluster cluster;
  private final RolloutMetrics metrics;
  private final Consumer<InformerCaches> cachesReady;

  /** For tests that call {@link #reconcile} by hand: nobody reads the event sources' caches. */
  public OSImageReconciler(RolloutService service, RolloutCluster cluster, RolloutMetrics metrics) {
    this(service, cluster, metrics, caches -> {});
  }

  /**
   * @param cachesReady receives the event sources' caches when JOSDK registers them, before the
   *     first reconcile: the reads of every reconcile come from there
   */
  public OSImageReconciler(
      RolloutService service,
      RolloutCluster cluster,
      RolloutMetrics metrics,
      Consumer<InformerCaches> cachesReady) {
    this.service = service;
    this.cluster = cluster;
    this.metrics = metrics;
    this.cachesReady = cachesReady;
  }

  @Override
  public UpdateControl<OSImage> reconcile(OSImage image, Context<OSImage> context) {
    RolloutService.Result result = service.reconcile(image);
    long delay = result.recheckAfter().toMillis();
    if (Objects.equals(result.status(), image.getStatus())) {
      return UpdateControl.<OSImage>noUpdate().rescheduleAfter(delay);
    }
    // A fresh object carrying only identity and status: the patch cannot touch spec or metadata.
    OSImage patch = new OSImage();
    patch.getMetadata().setName(image.getMetadata().getName());
    patch.setStatus(result.status());
    return UpdateControl.patchStatus(patch).rescheduleAfter(delay);
  }

  /** A reconcile that threw still says so in status; JOSDK retries it with back-off. */
  @Override
  public ErrorStatusUpdateControl<OSImage> updateErrorStatus(
      OSImage image, Context<OSImage> context, Exception e) {
    OSImage patch = new OSImage();
    patch.getMetadata().setName(image.getMetadata().getName());
    patch.setStatus(service.failedStatus(image, e));
    return ErrorStatusUpdateControl.patchStatus(patch);
  }

  @Override
  public DeleteControl cleanup(OSImage image, Context<OSImage> context) {
    cluster.releaseAll(image);
    metrics.forget(image.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  @Override
  public List<EventSource<?, OSImage>> prepareEventSources(EventSourceContext<OSImage> context) {
    // Any node can start or stop matching any selector: a node change wakes every OSImage, but
    // only a change a plan can depend on (not the kubelet's status heartbeats).
    var nodes =
        InformerEventSourceConfiguration.from(Node.class, OSImage.class)
            .withOnUpdateFilter(OSImageReconciler::mayAlterAPlan)
            .withSecondaryToPrimaryMapper(n -> allImages(context))
            .build();
    var osNodes =
        InformerEventSourceConfiguration.from(OSNode.class, OSImage.class)
            .withOnUpdateFilter(OSImageReconciler::moreThanAHeartbeat)
            .withSecondaryToPrimaryMapper(
                o ->
                    o.getSpec() == null || o.getSpec().osImage() == null
                        ? Set.of()
                        : Set.of(new ResourceID(o.getSpec().osImage())))
            .build();
    InformerEventSource<Node, OSImage> nodeSource = new InformerEventSource<>(nodes, context);
    InformerEventSource<OSNode, OSImage> osNodeSource = new InformerEventSource<>(osNodes, context);
    cachesReady.accept(new InformerCaches(context.getPrimaryCache(), nodeSource, osNodeSource));
    return List.of(nodeSource, osNodeSource);
  }

  /**
   * An agent's heartbeat only moves {@code status.lastSeen}: 1000 idle nodes would otherwise wake
   * the reconciler eight times a second for nothing. The cache still holds the new lastSeen, and
   * the planner wakes itself at each silence deadline.
   */
  static boolean moreThanAHeartbeat(OSNode now, OSNode before) {
    if (before == null || now.getStatus() == null || before.getStatus() == null) {
      return true;
    }
    boolean sameButLastSeen =
        Objects.equals(now.getSpec(), before.getSpec())
            && Objects.equals(
                now.getMetadata().getAnnotations(), before.getMetadata().getAnnotations())
            && Objects.equals(
                withoutLastSeen(now.getStatus()), withoutLastSeen(before.getStatus()));
    return !sameButLastSeen;
  }

  /**
   * Whether a Node update can change what any OSImage plans: its labels (selectors, zones), taints,
   * {@code unschedulable}, a Ready transition, or the operator's own {@code treewave.dev/}
   * annotations. The kubelet's and kwok's status updates (heartbeats, images, allocatable) do not:
   * at 1000 nodes they would otherwise run the planner for every OSImage many times a second. The
   * cache still holds the new object, so the next pass sees it.
   */
  static boolean mayAlterAPlan(Node now, Node before) {
    if (before == null) {
      return true;
    }
    return !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())
        || !Objects.equals(taints(now), taints(before))
        || unschedulable(now) != unschedulable(before)
        || !Objects.equals(ready(now), ready(before))
        || !Objects.equals(ours(now), ours(before));
  }

  private static List<Taint> taints(Node n) {
    return n.getSpec() == null || n.getSpec().getTaints() == null
        ? List.of()
        : n.getSpec().getTaints();
  }

  private static boolean unschedulable(Node n) {
    return n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
  }

  /** The Ready condition's status and when it last changed: a transition, not a heartbeat. */
  private static List<String> ready(Node n) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null) {
      return List.of();
    }
    return n.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .map(c -> Arrays.asList(c.getStatus(), c.getLastTransitionTime()))
        .orElse(List.of());
  }

  private static Map<String, String> ours(Node n) {
    Map<String, String> a = n.getMetadata().getAnnotations();
    if (a == null) {
      return Map.of();
    }
    Map<String, String> mine = new TreeMap<>();
    a.forEach(
        (k, v) -> {
          if (k.startsWith(OPERATOR_PREFIX)) {
            mine.put(k, v);
          }
        });
    return mine;
  }

  private static OSNodeStatus withoutLastSeen(OSNodeStatus s) {
    return new OSNodeStatus(
        s.observedGeneration(),
        s.agentState(),
        s.lastCompletedInstructionId(),
        s.deployments(),
        s.booted(),
        s.pullProgress(),
        s.lastError(),
        s.conditions(),
        s.retrying(),
        null);
  }

  private static Set<ResourceID> allImages(EventSourceContext<OSImage> context) {
    return context
        .getPrimaryCache()
        .list()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
