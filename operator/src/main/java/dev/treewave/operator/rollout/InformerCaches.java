package dev.treewave.operator.rollout;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSNode;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The caches of the informers JOSDK runs for {@link OSImageReconciler}: the operator's one copy of
 * the cluster. Reconciles read from them (see {@code kube.EventSourceReads}) instead of keeping a
 * second set of informers that would watch the same kinds again.
 *
 * @param osImages the controller's own cache of OSImages
 * @param nodes the Node event source; also takes our own writes until its watch catches up
 * @param osNodes the OSNode event source; likewise
 */
public record InformerCaches(
    Cache<OSImage> osImages,
    InformerEventSource<Node, OSImage> nodes,
    InformerEventSource<OSNode, OSImage> osNodes) {}
