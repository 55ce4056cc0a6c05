package dev.treewave.ostree.fsck;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.inspect.Reachability;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ostree fsck}: every commit in the repository is parsed, every object reachable from it is
 * read and re-hashed (content in parallel). Problems are collected, named by object, rather than
 * stopping at the first.
 */
public final class Fsck {
  private final OstreeRepo repo;
  private final int threads;

  public Fsck(OstreeRepo repo) {
    this(repo, Runtime.getRuntime().availableProcessors());
  }

  public Fsck(OstreeRepo repo, int threads) {
    this.repo = repo;
    this.threads = threads;
  }

  /** What fsck found. {@code errors} is empty for a healthy repository. */
  public record Report(int commits, int partialCommits, int objectsChecked, List<String> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  public Report run() {
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    Reachability reach = new Reachability(repo);
    List<ObjectId> commits = repo.listObjects(ObjectType.COMMIT);
    int partial = 0;
    for (ObjectId c : commits) {
      if (Reachability.isPartial(repo, c)) {
        partial++;
      }
      try {
        reach.addCommit(c, 0);
      } catch (OstreeException | IllegalArgumentException e) {
        errors.add(e.getMessage());
      }
    }
    // Each worker takes the next object from a shared index: a task per object made every
    // object a hand-off between threads (two futex calls each, some 9,000 objects in minbase).
    List<Reachability.ObjectKey> objects = List.copyOf(reach.reached());
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          for (int i = next.getAndIncrement(); i < objects.size(); i = next.getAndIncrement()) {
            check(objects.get(i), errors);
          }
        };
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(worker));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OstreeException("Interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new OstreeException("fsck failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    Collections.sort(errors);
    return new Report(
        commits.size() - partial, partial, reach.reached().size(), List.copyOf(errors));
  }

  private void check(Reachability.ObjectKey k, List<String> errors) {
    try {
      if (!repo.hasObject(k.type(), k.id())) {
        errors.add("Missing " + k.type().extension() + " object " + k.id().hex());
        return;
      }
      if (k.type() == ObjectType.FILE) {
        repo.verifyContent(k.id());
      } else {
        repo.readMetadata(k.type(), k.id());
      }
    } catch (OstreeException | IllegalArgumentException e) {
      errors.add(e.getMessage());
    }
  }
}
