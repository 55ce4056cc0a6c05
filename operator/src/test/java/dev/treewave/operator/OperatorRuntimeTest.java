package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.OSImage;
import dev.treewave.api.v1alpha1.OSImagePhase;
import dev.treewave.operator.rollout.FakeAgentsAccess;
import dev.treewave.operator.rollout.OSImageReconcilerTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole operator process in the test JVM (JOSDK, informers, status patches, ops server) against
 * the Fabric8 mock API server, with fake agents answering through OSNode status.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorRuntimeTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void rollsOutThroughTheRealControllerWiring() throws Exception {
    for (String n : new String[] {"node-a", "node-b"}) {
      client.resource(OSImageReconcilerTest.node(n, Map.of("pool", "worker"))).create();
    }
    OperatorRuntime.Settings settings =
        new OperatorRuntime.Settings(
            "treewave-operator",
            null,
            "test",
            null,
            "default",
            new InetSocketAddress("127.0.0.1", 0),
            false);
    ScheduledExecutorService agents = Executors.newSingleThreadScheduledExecutor();
    try (OperatorRuntime runtime =
        OperatorRuntime.start(
            client,
            settings,
            dev.treewave.operator.rollout.CommitResolver.pinned(),
            Clock.systemUTC())) {
      agents.scheduleWithFixedDelay(FakeAgentsAccess.loop(client), 200, 200, TimeUnit.MILLISECONDS);
      client.resource(OSImageReconcilerTest.image("fedora", null)).create();

      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () -> {
                OSImage image = client.resources(OSImage.class).withName("fedora").get();
                assertThat(image.getStatus()).isNotNull();
                assertThat(image.getStatus().phase()).isEqualTo(OSImagePhase.Completed);
              });

      OSImage done = client.resources(OSImage.class).withName("fedora").get();
      assertThat(done.getStatus().nodes().updated()).isEqualTo(2);
      assertThat(done.getMetadata().getFinalizers()).isNotEmpty();
      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + runtime.opsAddress().getPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics).contains("treewave_nodes{osimage=\"fedora\",state=\"updated\"} 2");
      // Events are sent off the reconcile thread, so they may land a moment after the status.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(client.v1().events().inNamespace("default").list().getItems())
                      .extracting(e -> e.getReason())
                      .contains("Cordoned", "Uncordoned", "RolloutCompleted"));
    } finally {
      agents.shutdownNow();
    }
  }
}
