package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.operator.plan.NodeStep;
import dev.treewave.operator.rollout.OSImageReconcilerTest;
import dev.treewave.testing.kube.ControlPlane;
import dev.treewave.testing.kube.ControlPlaneOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cordon and uncordon on a real kube-apiserver: one JSON patch each, no read first, and a node
 * someone else cordoned is neither taken over nor uncordoned, even when our cache has not seen
 * their cordon yet.
 */
class CordonIT {
  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
  private static ControlPlane plane;
  private static KubernetesClient client;
  private static final List<String> requests = new CopyOnWriteArrayList<>();

  /** What our cache shows, set by each test: possibly behind the API server. */
  private final Map<String, Node> cached = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    plane = ControlPlane.start(ControlPlaneOptions.apiServerOnly().withName("cordon"));
    client =
        new KubernetesClientBuilder()
            .withConfig(plane.adminConfig())
            .withHttpClientBuilderConsumer(
                b ->
                    b.addOrReplaceInterceptor(
                        "count",
                        new Interceptor() {
                          @Override
                          public void before(
                              BasicBuilder builder, HttpRequest request, RequestTags tags) {
                            requests.add(request.method() + " " + request.uri().getPath());
                          }
                        }))
            .build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void cordonAndReleaseAreOnePatchEachWithoutARead() {
    Node free = create("free-a");
    cached.put("free-a", free);
    KubeRolloutCluster cluster = cluster();
    OSImage image = OSImageReconcilerTest.image("fedora", null);

    requests.clear();
    assertThat(cluster.apply(image, new NodeStep.Cordon("free-a"), NOW)).isTrue();

    Node cordoned = plane.client().nodes().withName("free-a").get();
    assertThat(cordoned.getSpec().getUnschedulable()).isTrue();
    assertThat(cordoned.getMetadata().getAnnotations())
        .containsEntry(Annotations.CORDONED_BY, "fedora")
        .containsEntry(Annotations.DRAIN_STARTED, NOW.toString());
    assertThat(requests).containsExactly("PATCH /api/v1/nodes/free-a");

    cached.put("free-a", cordoned);
    requests.clear();
    assertThat(cluster.apply(image, new NodeStep.Release("free-a", null), NOW)).isTrue();

    Node released = plane.client().nodes().withName("free-a").get();
    assertThat(released.getSpec().getUnschedulable()).as("false is omitted").isNotEqualTo(true);
    assertThat(released.getMetadata().getAnnotations())
        .doesNotContainKeys(Annotations.CORDONED_BY, Annotations.DRAIN_STARTED);
    assertThat(requests).containsExactly("PATCH /api/v1/nodes/free-a");
  }

  @Test
  void someoneElsesCordonOurCacheHasNotSeenIsNotTakenOver() {
    Node free = create("other-b");
    cached.put("other-b", free); // taken before their cordon
    cordonByHand("other-b");
    OSImage image = OSImageReconcilerTest.image("fedora", null);

    cluster().apply(image, new NodeStep.Cordon("other-b"), NOW);

    Node after = plane.client().nodes().withName("other-b").get();
    assertThat(after.getSpec().getUnschedulable()).isTrue();
    assertThat(after.getMetadata().getAnnotations()).doesNotContainKey(Annotations.CORDONED_BY);
  }

  @Test
  void someoneElsesCordonIsNeverUncordoned() {
    create("other-c");
    cordonByHand("other-c");
    OSImage image = OSImageReconcilerTest.image("fedora", null);
    KubeRolloutCluster cluster = cluster();

    // As the cache shows it: cordoned, not by us. Nothing to write, nothing written.
    cached.put("other-c", plane.client().nodes().withName("other-c").get());
    requests.clear();
    assertThat(cluster.apply(image, new NodeStep.Cordon("other-c"), NOW)).isFalse();
    assertThat(cluster.apply(image, new NodeStep.Release("other-c", null), NOW)).isFalse();
    assertThat(requests).isEmpty();

    Node after = plane.client().nodes().withName("other-c").get();
    assertThat(after.getSpec().getUnschedulable()).isTrue();
    assertThat(after.getMetadata().getAnnotations()).doesNotContainKey(Annotations.CORDONED_BY);
  }

  @Test
  void aCordonSomeoneTookOverOurCacheHasNotSeenIsNotUncordoned() {
    create("taken-d");
    OSImage image = OSImageReconcilerTest.image("fedora", null);
    KubeRolloutCluster cluster = cluster();
    cached.put("taken-d", plane.client().nodes().withName("taken-d").get());
    cluster.apply(image, new NodeStep.Cordon("taken-d"), NOW);
    cached.put("taken-d", plane.client().nodes().withName("taken-d").get()); // ours, cached
    // A person takes the cordon over (drops our annotation); our cache has not seen it yet.
    plane
        .client()
        .nodes()
        .withName("taken-d")
        .edit(
            n -> {
              n.getMetadata().getAnnotations().remove(Annotations.CORDONED_BY);
              return n;
            });

    requests.clear();
    cluster.apply(image, new NodeStep.Release("taken-d", null), NOW);

    Node after = plane.client().nodes().withName("taken-d").get();
    assertThat(after.getSpec().getUnschedulable()).as("still cordoned, by them").isTrue();
    assertThat(requests)
        .as("the guarded patch is refused (409), then the decision is made on a fresh read")
        .startsWith("PATCH /api/v1/nodes/taken-d", "GET /api/v1/nodes/taken-d");
  }

  private KubeRolloutCluster cluster() {
    return new KubeRolloutCluster(
        client, new Drainer(client, Clock.systemUTC()), new SnapshotReads(cached::get), null);
  }

  private static Node create(String name) {
    return plane
        .client()
        .resource(OSImageReconcilerTest.node(name, Map.of("pool", "worker")))
        .create();
  }

  /** As {@code kubectl cordon} does it: unschedulable, and no annotation of ours. */
  private static void cordonByHand(String name) {
    plane
        .client()
        .nodes()
        .withName(name)
        .edit(
            n -> {
              n.getSpec().setUnschedulable(true);
              return n;
            });
  }

  /** Reads from a snapshot the test controls, standing in for a lagging informer cache. */
  private record SnapshotReads(Function<String, Node> snapshot) implements ClusterReads {
    @Override
    public List<OSImage> osImages() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Function<String, OSNode> osNodes() {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Node> nodes() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Node node(String name) {
      return snapshot.apply(name);
    }

    @Override
    public boolean wrote(HasMetadata written) {
      return true;
    }
  }
}
