package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.operator.rollout.OSImageReconciler;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The running operator's read path: the caches of the reconciler's own event sources, started by
 * JOSDK, following the API server, with our own writes visible at once and never hiding a later
 * version.
 */
@EnableKubernetesMockClient(crud = true)
class EventSourceReadsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  KubernetesClient client;
  private final EventSourceReads reads = new EventSourceReads();
  private Operator operator;

  @BeforeEach
  void start() {
    client.resource(node("node-a")).create();
    operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withParseResourceVersions(true));
    // No OSImage exists, so nothing is reconciled: only the event sources run.
    operator.register(new OSImageReconciler(null, null, null, reads::attach));
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void seesWhatExistedAtStartWithoutWaiting() {
    assertThat(reads.nodes()).extracting(n -> n.getMetadata().getName()).contains("node-a");
  }

  @Test
  void followsChangesMadeByOthers() {
    client.nodes().withName("node-a").edit(n -> label(n, "pool", "blue"));
    client.resource(node("node-b")).create();
    client.resource(new OSNode("node-a", null)).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(find("node-a"))
                  .hasValueSatisfying(
                      n -> assertThat(n.getMetadata().getLabels()).containsEntry("pool", "blue"));
              assertThat(find("node-b")).isPresent();
              assertThat(reads.osNodes().apply("node-a")).isNotNull();
            });

    client.nodes().withName("node-b").delete();
    await().atMost(WAIT).untilAsserted(() -> assertThat(find("node-b")).isEmpty());
  }

  @Test
  void ourWriteIsSeenBeforeTheWatchDeliversIt() {
    Node cached = find("node-a").orElseThrow();
    // What the API server would return for our cordon, at a version the watch has not shown yet.
    Node cordoned = copy(cached, Long.parseLong(cached.getMetadata().getResourceVersion()) + 1000);
    cordoned.getSpec().setUnschedulable(true);

    assertThat(reads.wrote(cordoned)).isTrue();

    assertThat(find("node-a"))
        .hasValueSatisfying(n -> assertThat(n.getSpec().getUnschedulable()).isTrue());
  }

  @Test
  void aWriteThatChangedNothingIsNoNews() {
    Node cached = find("node-a").orElseThrow();

    assertThat(reads.wrote(copy(cached, Long.parseLong(cached.getMetadata().getResourceVersion()))))
        .isFalse();
  }

  @Test
  void aLaterVersionFromTheWatchWinsOverOurOlderWrite() {
    Node cached = find("node-a").orElseThrow();
    Node ours = copy(cached, Long.parseLong(cached.getMetadata().getResourceVersion()) + 1);
    label(ours, "written-by", "us");
    reads.wrote(ours);

    client.nodes().withName("node-a").edit(n -> label(n, "written-by", "someone-else"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(find("node-a").orElseThrow().getMetadata().getLabels())
                    .containsEntry("written-by", "someone-else"));
  }

  @Test
  void anObjectWeCreatedIsSeenAtOnceAndDroppedWhenDeleted() {
    OSNode created = client.resource(new OSNode("node-a", null)).create();
    reads.wrote(created);

    assertThat(reads.osNodes().apply("node-a")).isNotNull();

    client.resources(OSNode.class).withName("node-a").delete();
    await().atMost(WAIT).untilAsserted(() -> assertThat(reads.osNodes().apply("node-a")).isNull());
  }

  private Optional<Node> find(String name) {
    return reads.nodes().stream().filter(n -> n.getMetadata().getName().equals(name)).findFirst();
  }

  private static Node node(String name) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .build();
  }

  private static Node copy(Node node, long resourceVersion) {
    Node copy = new NodeBuilder(node).build();
    copy.getMetadata().setResourceVersion(String.valueOf(resourceVersion));
    return copy;
  }

  private static Node label(Node n, String key, String value) {
    n.getMetadata()
        .setLabels(
            new HashMap<>(
                n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels()));
    n.getMetadata().getLabels().put(key, value);
    return n;
  }
}
