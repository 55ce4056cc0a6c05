package dev.treewave.ostree.pull;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.CommitSizes;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.delta.DeltaApplier;
import dev.treewave.ostree.delta.DeltaException;
import dev.treewave.ostree.delta.DeltaName;
import dev.treewave.ostree.delta.DeltaPart;
import dev.treewave.ostree.delta.DeltaSuperblock;
import dev.treewave.ostree.repo.CorruptObjectException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.Transaction;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches the objects of commit trees and delta parts with a bounded number of concurrent requests.
 * Each run writes into its own transaction; when a run fails, the objects already verified are
 * still committed (they are valid under their names) so that a later pull resumes, while the commit
 * stays marked partial and no ref moves.
 */
final class Walker implements AutoCloseable {
  /** Fetches the bytes of delta part {@code i} (inline or from the source), checked. */
  @FunctionalInterface
  interface PartFetcher {
    byte[] fetch(ObjectSource source, DeltaSuperblock sb, int i);
  }

  private final OstreeRepo repo;
  private final ObjectSource source;
  private final Puller.Stats stats;
  private final ExecutorService pool;
  private final Semaphore partSlots = new Semaphore(2);
  private final Set<ObjectId> seenTrees = ConcurrentHashMap.newKeySet();
  private final Set<ObjectId> seenMetas = ConcurrentHashMap.newKeySet();
  private final Set<ObjectId> seenFiles = ConcurrentHashMap.newKeySet();

  Walker(OstreeRepo repo, ObjectSource source, int parallelism, Puller.Stats stats) {
    this.repo = repo;
    this.source = source;
    this.stats = stats;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            parallelism,
            r -> {
              Thread t = new Thread(r, "treewave-pull-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** One batch of concurrent work sharing a transaction. */
  private final class Run {
    final Transaction tx = repo.beginTransaction();
    final AtomicInteger pending = new AtomicInteger();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();

    void submit(Runnable task) {
      pending.incrementAndGet();
      pool.execute(
          () -> {
            try {
              if (error.get() == null) {
                task.run();
              }
            } catch (Throwable t) {
              error.compareAndSet(null, t);
            } finally {
              if (pending.decrementAndGet() == 0) {
                done.complete(null);
              }
            }
          });
    }

    void finish() {
      try {
        if (pending.get() > 0) {
          done.join();
        }
        // verified objects are kept even on failure: that is what makes a pull resumable
        tx.commit();
      } finally {
        tx.close();
      }
      Throwable t = error.get();
      if (t instanceof RuntimeException re) {
        throw re;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw new PullException(t.toString(), t);
      }
    }
  }

  /** Fetches every missing object of the commit's tree; returns when the tree is complete. */
  void walkCommit(ObjectId commitId, Commit commit) {
    noteDeclaredSizes(commit);
    Run run = new Run();
    run.submit(() -> dirtree(run, commit.rootTree(), commit.rootMeta(), "/"));
    run.finish();
  }

  private void dirtree(Run run, ObjectId tree, ObjectId meta, String path) {
    if (seenMetas.add(meta) && !run.tx.hasObject(ObjectType.DIR_META, meta)) {
      stats.requested.incrementAndGet();
      run.submit(() -> fetchMetadata(run, ObjectType.DIR_META, meta, path));
    }
    if (!seenTrees.add(tree)) {
      return;
    }
    byte[] bytes;
    if (repo.hasObject(ObjectType.DIR_TREE, tree)) {
      bytes = repo.readMetadata(ObjectType.DIR_TREE, tree);
    } else {
      stats.requested.incrementAndGet();
      bytes = fetchMetadata(run, ObjectType.DIR_TREE, tree, path);
    }
    DirTree dt = DirTree.parse(bytes);
    for (DirTree.FileEntry f : dt.files()) {
      ObjectId id = f.checksum();
      if (seenFiles.add(id) && !run.tx.hasObject(ObjectType.FILE, id)) {
        stats.requested.incrementAndGet();
        String p = path + f.name();
        run.submit(() -> fetchContent(run, id, p));
      }
    }
    for (DirTree.DirEntry d : dt.dirs()) {
      String p = path + d.name() + "/";
      run.submit(() -> dirtree(run, d.treeChecksum(), d.metaChecksum(), p));
    }
  }

  private byte[] fetchMetadata(Run run, ObjectType type, ObjectId id, String path) {
    byte[] bytes =
        source
            .metadata(type, id, Puller.MAX_METADATA)
            .orElseThrow(
                () ->
                    new PullException(
                        type.extension()
                            + " object "
                            + id
                            + " ("
                            + path
                            + ") not found on "
                            + source.describe()));
    run.tx.writeMetadata(type, id, bytes);
    stats.metadata.incrementAndGet();
    stats.report();
    return bytes;
  }

  /**
   * Content sizes the (verified) commit's {@code ostree.sizes} or a delta's fallback list declare:
   * a fetched {@code .filez} whose header claims another size is refused before a byte of it is
   * written (a zlib bomb declaring 8 GiB would otherwise be inflated to disk in full).
   */
  private final Map<ObjectId, Long> declaredSizes = new ConcurrentHashMap<>();

  private void noteDeclaredSizes(Commit commit) {
    Optional<CommitSizes> sizes;
    try {
      sizes = CommitSizes.fromCommit(commit);
    } catch (RuntimeException e) {
      return; // malformed sizes are no sizes (as for libostree, they are advisory)
    }
    sizes.ifPresent(
        s ->
            s.entries().stream()
                .filter(e -> e.type() == ObjectType.FILE)
                .forEach(e -> declaredSizes.putIfAbsent(e.id(), e.unpackedSize())));
  }

  /** (A symlink's sizes entry counts its target; its archive header says 0.) */
  private void fetchContent(Run run, ObjectId id, String path) {
    Long declared = declaredSizes.get(id);
    boolean found =
        source.content(
            id,
            co -> {
              if (declared != null && !co.header().isSymlink() && co.size() != declared) {
                throw new CorruptObjectException(
                    ObjectType.FILE,
                    id,
                    "its header declares "
                        + co.size()
                        + " bytes, but the commit's sizes give "
                        + declared
                        + "; refused before writing");
              }
              run.tx.writeContent(id, co.header(), co.content(), co.size());
              stats.contentBytes.addAndGet(co.size());
            });
    if (!found) {
      throw new PullException(
          "Content object " + id + " (" + path + ") not found on " + source.describe());
    }
    stats.content.incrementAndGet();
    stats.report();
  }

  /** Fetches a delta's fallback objects and applies its parts. */
  void runDelta(DeltaSuperblock sb, DeltaName name, PartFetcher fetcher) {
    Run run = new Run();
    for (DeltaSuperblock.Fallback f : sb.fallbacks()) {
      if (f.type() == ObjectType.FILE) {
        declaredSizes.putIfAbsent(f.id(), f.uncompressedSize());
      }
      if (f.type() == ObjectType.FILE
          && seenFiles.add(f.id())
          && !run.tx.hasObject(ObjectType.FILE, f.id())) {
        stats.requested.incrementAndGet();
        run.submit(() -> fetchContent(run, f.id(), "delta fallback"));
      } else if (f.type() != ObjectType.FILE && !run.tx.hasObject(f.type(), f.id())) {
        run.submit(() -> fetchMetadata(run, f.type(), f.id(), "delta fallback"));
      }
    }
    for (int i = 0; i < sb.parts().size(); i++) {
      DeltaSuperblock.PartHeader h = sb.parts().get(i);
      boolean needed = h.objects().stream().anyMatch(o -> !run.tx.hasObject(o.type(), o.id()));
      if (!needed) {
        stats.parts.incrementAndGet();
        continue;
      }
      if (h.uncompressedSize() > DeltaPart.memoryBudget()) {
        // Too large to rebuild in this heap (or a lie meant to exhaust it): not fetched at all;
        // the walk of the commit that follows fetches its objects one by one instead.
        stats.parts.incrementAndGet();
        continue;
      }
      int index = i;
      run.submit(
          () -> {
            partSlots.acquireUninterruptibly();
            try {
              byte[] data = fetcher.fetch(source, sb, index);
              try {
                DeltaPart part =
                    DeltaPart.decode(data, DeltaPart.payloadLimit(h.uncompressedSize()));
                new DeltaApplier(repo, run.tx).apply(part, h.objects(), h.uncompressedSize());
              } catch (DeltaException e) {
                throw new DeltaException(
                    "Static delta part " + index + " of " + name + ": " + e.getMessage(), e);
              }
              stats.parts.incrementAndGet();
              stats.report();
            } finally {
              partSlots.release();
            }
          });
    }
    run.finish();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
