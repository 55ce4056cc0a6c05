package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.OSImage;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubeEventsTest {
  KubernetesClient client;
  private KubeEvents events;
  private final dev.treewave.testing.MutableClock clock =
      new dev.treewave.testing.MutableClock(Instant.parse("2026-12-06T10:00:00Z"));

  @BeforeEach
  void start() {
    events = new KubeEvents(client, "default", "treewave-operator", clock);
  }

  @AfterEach
  void stop() {
    events.close();
  }

  private static OSImage image(String name, String uid) {
    OSImage image = new OSImage(name, null);
    image.getMetadata().setUid(uid);
    return image;
  }

  private List<Event> written() {
    return client.v1().events().inNamespace("default").list().getItems();
  }

  @Test
  void theSameEventAgainCountsInsteadOfCreatingAnother() {
    OSImage image = image("fleet", "u1");
    events.warning(image, "DrainWouldBlock", "n-01: budget shop/db allows 0 disruptions");
    clock.advance(Duration.ofMinutes(1));
    events.warning(image, "DrainWouldBlock", "n-01: budget shop/db allows 0 disruptions");
    clock.advance(Duration.ofMinutes(1));
    events.warning(image, "DrainWouldBlock", "n-01: budget shop/db allows 0 disruptions");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(written()).hasSize(1);
              Event e = written().get(0);
              assertThat(e.getCount()).isEqualTo(3);
              assertThat(e.getFirstTimestamp()).isEqualTo("2026-12-06T10:00:00Z");
              assertThat(e.getLastTimestamp()).isEqualTo("2026-12-06T10:02:00Z");
            });
  }

  @Test
  void otherMessagesReasonsAndObjectsAreEventsOfTheirOwn() {
    events.normal(image("fleet", "u1"), "Cordoned", "n-01: cordoned");
    events.normal(image("fleet", "u1"), "Cordoned", "n-02: cordoned");
    events.normal(image("fleet", "u1"), "Uncordoned", "n-01: cordoned");
    events.normal(image("other", "u2"), "Cordoned", "n-01: cordoned");

    await().atMost(Duration.ofSeconds(10)).until(() -> written().size() == 4);
    assertThat(written()).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  @Test
  void anEventTheServerDroppedIsWrittenAnew() {
    OSImage image = image("fleet", "u1");
    events.normal(image, "Cordoned", "n-01: cordoned");
    await().atMost(Duration.ofSeconds(10)).until(() -> written().size() == 1);
    client.v1().events().inNamespace("default").delete(); // expired, as after an hour

    events.normal(image, "Cordoned", "n-01: cordoned");

    await().atMost(Duration.ofSeconds(10)).until(() -> written().size() == 1);
    assertThat(written().get(0).getCount()).isEqualTo(1);
  }

  @Test
  void manyMessagesOfOneReasonAreCombinedIntoOneEventAsClientGoDoes() {
    OSImage image = image("fleet", "u1");
    for (int i = 1; i <= 25; i++) {
      events.normal(image, "Cordoned", String.format("n-%02d: cordoned", i));
      clock.advance(Duration.ofSeconds(1));
    }
    events.normal(image, "Uncordoned", "n-01: healthy; uncordoned");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<Event> cordoned =
                  written().stream().filter(e -> "Cordoned".equals(e.getReason())).toList();
              assertThat(cordoned)
                  .filteredOn(e -> e.getCount() == 1)
                  .extracting(Event::getMessage)
                  .hasSize(KubeEvents.SIMILAR - 1)
                  .allMatch(m -> m.matches("n-0[1-9]: cordoned"));
              Event combined =
                  cordoned.stream()
                      .filter(e -> e.getMessage().startsWith(KubeEvents.COMBINED))
                      .findFirst()
                      .orElseThrow();
              assertThat(combined.getMessage()).isEqualTo(KubeEvents.COMBINED + "n-25: cordoned");
              assertThat(combined.getCount()).isEqualTo(25 - (KubeEvents.SIMILAR - 1));
              assertThat(combined.getFirstTimestamp()).isEqualTo("2026-12-06T10:00:09Z");
              assertThat(combined.getLastTimestamp()).isEqualTo("2026-12-06T10:00:24Z");
              assertThat(cordoned).hasSize(KubeEvents.SIMILAR);
              assertThat(written())
                  .filteredOn(e -> "Uncordoned".equals(e.getReason()))
                  .extracting(Event::getMessage)
                  .containsExactly("n-01: healthy; uncordoned");
            });
  }

  @Test
  void aFloodIsBoundedAndCountedNotQueuedWithoutEnd() throws Exception {
    // An API server that accepts the connection and never answers: the sender is stuck on its
    // first Event, so the queue fills whatever the speed of this machine.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KubernetesClient stuck =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
                        .withRequestTimeout(60_000)
                        .build())
                .build();
        KubeEvents flooded = new KubeEvents(stuck, "default", "treewave-operator", clock)) {
      OSImage image = image("fleet", "u1");
      for (int i = 0; i < KubeEvents.QUEUE_CAPACITY * 3; i++) {
        flooded.normal(image, "Flood", "message " + i);
      }

      assertThat(flooded.dropped())
          .isBetween((long) KubeEvents.QUEUE_CAPACITY, KubeEvents.QUEUE_CAPACITY * 2L);
    }
  }
}
