package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void keepsTheOrderOfTheCallsAndRunsThemSideBySide() {
    // All four calls wait for each other: this finishes only if they run at the same time.
    CountDownLatch together = new CountDownLatch(4);
    List<Supplier<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int n = i;
      calls.add(
          () -> {
            together.countDown();
            try {
              assertThat(together.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            return n;
          });
    }

    assertThat(Parallel.all(pool, calls)).containsExactly(0, 1, 2, 3);
  }

  @Test
  void everyCallRunsEvenWhenOneFailsAndTheFailureIsRethrown() {
    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    List<Supplier<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      calls.add(
          () -> {
            ran.add(n);
            if (n == 1) {
              throw new IllegalArgumentException("node 1 refused");
            }
            return n;
          });
    }

    assertThatThrownBy(() -> Parallel.all(pool, calls)).hasMessage("node 1 refused");
    assertThat(ran).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void withoutAPoolRunsInOrderOnTheCallersThread() {
    Thread caller = Thread.currentThread();
    List<Supplier<Boolean>> calls = List.of(() -> Thread.currentThread() == caller);

    assertThat(Parallel.all(null, List.of(calls.get(0), calls.get(0)))).containsExactly(true, true);
  }
}
