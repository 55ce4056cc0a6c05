package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.DrainSpec;
import dev.treewave.operator.PodsOnNode;
import dev.treewave.testing.MutableClock;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class DrainerTest {
  KubernetesMockServer server;
  KubernetesClient client;

  private MutableClock clock;
  private Drainer drainer;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    drainer = new Drainer(client, clock, node -> PodsOnNode.list(client, node));
    client.resource(pod("web-0", "node-a", Map.of("app", "web"))).create();
    client.resource(pod("keep-0", "node-a", Map.of("app", "keep"))).create();
    Pod ds = pod("agent-x", "node-a", Map.of("app", "agent"));
    ds.getMetadata()
        .setOwnerReferences(
            List.of(
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                    .withKind("DaemonSet")
                    .withName("agent")
                    .withApiVersion("apps/v1")
                    .withUid("u")
                    .build()));
    client.resource(ds).create();
    Pod mirror = pod("etcd-node-a", "node-a", Map.of());
    mirror.getMetadata().setAnnotations(Map.of("kubernetes.io/config.mirror", "x"));
    client.resource(mirror).create();
    Pod done = pod("job-1", "node-a", Map.of());
    done.getStatus().setPhase("Succeeded");
    client.resource(done).create();
    client.resource(pod("web-1", "node-b", Map.of("app", "web"))).create();
  }

  private static DrainSpec skipKeep() {
    return new DrainSpec(
        null,
        null,
        null,
        null,
        List.of(new LabelSelectorBuilder().addToMatchLabels("app", "keep").build()),
        null);
  }

  @Test
  void evictsOnlyWhatMustGo() {
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/pods/web-0/eviction")
        .andReturn(201, new StatusBuilder().withStatus("Success").build())
        .always();

    Drainer.Pass pass = drainer.drain("node-a", skipKeep(), false);

    assertThat(pass.evicted()).isEqualTo(1);
    assertThat(evictionPaths()).containsExactly("/api/v1/namespaces/default/pods/web-0/eviction");
  }

  @Test
  void refusedEvictionIsRetriedOnlyAfterBackOff() {
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/pods/web-0/eviction")
        .andReturn(429, new StatusBuilder().withCode(429).withReason("TooManyRequests").build())
        .always();

    Drainer.Pass first = drainer.drain("node-a", skipKeep(), false);
    assertThat(first.refused()).isEqualTo(1);
    assertThat(first.remaining()).isEqualTo(1);
    int requests = evictionPaths().size();

    drainer.drain("node-a", skipKeep(), false);
    assertThat(evictionPaths()).as("still backing off").hasSize(requests);

    clock.advance(Duration.ofSeconds(6));
    drainer.drain("node-a", skipKeep(), false);
    assertThat(evictionPaths()).hasSize(requests + 1);

    clock.advance(Duration.ofSeconds(6));
    drainer.drain("node-a", skipKeep(), false);
    assertThat(evictionPaths()).as("back-off doubled to 10 s").hasSize(requests + 1);
  }

  @Test
  void forceDeletesInsteadOfEvicting() {
    Drainer.Pass pass = drainer.drain("node-a", skipKeep(), true);
    assertThat(pass.evicted()).isEqualTo(1);
    assertThat(client.pods().inNamespace("default").withName("web-0").get()).isNull();
    assertThat(client.pods().inNamespace("default").withName("keep-0").get()).isNotNull();
    assertThat(client.pods().inNamespace("default").withName("web-1").get()).isNotNull();
  }

  @Test
  void pdbWithNoAllowedDisruptionsIsABlocker() {
    var pdb =
        new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build())
            .withMinAvailable(new io.fabric8.kubernetes.api.model.IntOrString(2))
            .endSpec()
            .withNewStatus()
            .withDisruptionsAllowed(0)
            .endStatus()
            .build();
    List<Pod> toEvict = PodFilters.toEvict(drainer.podsOn("node-a"), skipKeep());

    assertThat(PdbCheck.blockers(toEvict, List.of(pdb)))
        .containsExactly("pod default/web-0: PodDisruptionBudget default/web allows 0 disruptions");
    pdb.getStatus().setDisruptionsAllowed(1);
    assertThat(PdbCheck.blockers(toEvict, List.of(pdb))).isEmpty();
  }

  @Test
  void emptyDirPodsBlockUnlessAllowed() {
    Pod cache = pod("cache-0", "node-a", Map.of("app", "cache"));
    cache
        .getSpec()
        .setVolumes(
            List.of(
                new io.fabric8.kubernetes.api.model.VolumeBuilder()
                    .withName("tmp")
                    .withNewEmptyDir()
                    .endEmptyDir()
                    .build()));
    List<Pod> toEvict = PodFilters.toEvict(List.of(cache), DrainSpec.DEFAULT);
    assertThat(PodFilters.configBlockers(toEvict, DrainSpec.DEFAULT))
        .containsExactly("pod default/cache-0: uses emptyDir and deleteEmptyDirData is false");
    DrainSpec allow = new DrainSpec(null, null, true, null, null, null);
    assertThat(PodFilters.configBlockers(toEvict, allow)).isEmpty();
  }

  /** Eviction POSTs the server has seen so far, in order. */
  private List<String> evictionPaths() {
    try {
      for (RecordedRequest r = server.takeRequest(10, TimeUnit.MILLISECONDS);
          r != null;
          r = server.takeRequest(10, TimeUnit.MILLISECONDS)) {
        if ("POST".equals(r.getMethod()) && r.getPath().endsWith("/eviction")) {
          evictions.add(r.getPath());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return List.copyOf(evictions);
  }

  private final List<String> evictions = new ArrayList<>();

  static Pod pod(String name, String node, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("c")
        .withImage("x")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }
}
