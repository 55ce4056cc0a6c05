package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.treewave.api.v1alpha1.OSImage;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
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
  void aFloodIsBoundedAndCountedNotQueuedWithoutEnd() {
    OSImage image = image("fleet", "u1");
    for (int i = 0; i < KubeEvents.QUEUE_CAPACITY * 3; i++) {
      events.normal(image, "Flood", "message " + i);
    }

    assertThat(events.dropped()).isPositive();
  }
}
