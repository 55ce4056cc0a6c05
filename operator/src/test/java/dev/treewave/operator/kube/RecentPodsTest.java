package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecentPodsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
  private final List<String> lists = new ArrayList<>();
  private final RecentPods pods =
      new RecentPods(
          clock,
          Duration.ofSeconds(5),
          node -> {
            lists.add(node);
            return List.of(
                DrainerTest.pod("web-0", node, Map.of()), DrainerTest.pod("web-1", node, Map.of()));
          });

  @Test
  void reusesAListUntilItIsTooOld() {
    pods.on("a");
    clock.advance(Duration.ofMillis(4_900));
    pods.on("a");
    assertThat(lists).containsExactly("a");

    clock.advance(Duration.ofMillis(100));
    pods.on("a");
    assertThat(lists).containsExactly("a", "a");
  }

  @Test
  void forgottenOrFreshListsAreListedAgain() {
    pods.on("a");
    pods.forget("a");
    pods.on("a");
    pods.fresh("a");
    assertThat(lists).containsExactly("a", "a", "a");
  }

  @Test
  void podsWeEvictedLeaveTheKeptList() {
    pods.on("a");
    pods.gone("a", Set.of("default/web-0"));

    assertThat(pods.on("a")).extracting(p -> p.getMetadata().getName()).containsExactly("web-1");
    assertThat(lists).containsExactly("a");
  }

  @Test
  void listsOfOtherNodesExpireWhenTheNextIsKept() {
    pods.on("a");
    clock.advance(Duration.ofSeconds(6));
    pods.on("b");
    pods.gone("a", Set.of("default/web-0")); // nothing kept for a any more: no-op
    List<Pod> again = pods.on("a");
    assertThat(again).hasSize(2);
    assertThat(lists).containsExactly("a", "b", "a");
  }
}
