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
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Stops the operator in the middle of a wave and starts a new one, while a watcher checks the
 * disruption budget continuously: the new process continues from what it reads in the cluster and
 * never disrupts a node twice. (The same scenario runs on a real API server as an IT.)
 */
@EnableKubernetesMockClient(crud = true)
class OperatorRestartTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void restartMidWaveContinuesWithinBudgetWithoutRepeats() throws Exception {
    int nodes = 4;
    for (int i = 0; i < nodes; i++) {
      client.resource(OSImageReconcilerTest.node("node-" + i, Map.of("pool", "worker"))).create();
    }
    AtomicInteger maxCordoned = new AtomicInteger();
    ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
    background.scheduleWithFixedDelay(
        FakeAgentsAccess.loop(client), 100, 150, TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(
        () -> {
          try {
            int cordoned =
                (int)
                    client.nodes().list().getItems().stream()
                        .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                        .count();
            maxCordoned.accumulateAndGet(cordoned, Math::max);
          } catch (RuntimeException e) {
            // the next tick checks again
          }
        },
        0,
        20,
        TimeUnit.MILLISECONDS);
    try {
      client.resource(OSImageReconcilerTest.image("fedora", null)).create();
      try (OperatorRuntime first = start()) {
        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () ->
                    client.nodes().list().getItems().stream()
                        .anyMatch(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable())));
      }
      try (OperatorRuntime second = start()) {
        await()
            .atMost(Duration.ofMinutes(2))
            .until(
                () -> {
                  OSImage image = client.resources(OSImage.class).withName("fedora").get();
                  return image.getStatus() != null
                      && image.getStatus().phase() == OSImagePhase.Completed;
                });
      }
    } finally {
      background.shutdownNow();
    }
    assertThat(maxCordoned.get()).as("maxUnavailable is 1").isEqualTo(1);
    assertThat(FakeAgentsAccess.reboots(client))
        .as("every node rebooted exactly once")
        .containsExactlyInAnyOrder("node-0", "node-1", "node-2", "node-3");
  }

  private OperatorRuntime start() throws Exception {
    return OperatorRuntime.start(
        client,
        new OperatorRuntime.Settings(
            "treewave-operator",
            null,
            "test",
            null,
            "default",
            new InetSocketAddress("127.0.0.1", 0),
            false),
        dev.treewave.operator.rollout.CommitResolver.pinned(),
        Clock.systemUTC());
  }
}
