package dev.treewave.operator.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** Runs independent API round trips side by side and keeps the results in order. */
final class Parallel {
  private Parallel() {}

  /**
   * @param pool null runs the calls one after another
   * @throws RuntimeException the first call's failure, after every call has finished
   */
  static <T> List<T> all(ExecutorService pool, List<Supplier<T>> calls) {
    if (pool == null || calls.size() < 2) {
      return calls.stream().map(Supplier::get).toList();
    }
    List<Future<T>> futures = new ArrayList<>();
    calls.forEach(c -> futures.add(pool.submit(c::get)));
    List<T> results = new ArrayList<>();
    RuntimeException first = null;
    for (Future<T> f : futures) {
      try {
        results.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        first = first != null ? first : new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        first =
            first != null
                ? first
                : cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
      }
    }
    if (first != null) {
      throw first;
    }
    return results;
  }
}
