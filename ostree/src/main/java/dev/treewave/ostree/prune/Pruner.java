package dev.treewave.ostree.prune;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.inspect.Reachability;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ostree prune}: deletes objects not reachable from the roots. Roots are all commits in the
 * repository, or with {@code refsOnly} only the commits refs point to (with {@code depth} levels of
 * history, -1 = all), plus commits newer than {@code keepYoungerThan}. Holds the repository lock
 * exclusively so no transaction can reference an object while it is deleted.
 */
public final class Pruner {
  private final OstreeRepo repo;

  public Pruner(OstreeRepo repo) {
    this.repo = repo;
  }

  public record Options(
      boolean refsOnly,
      int depth,
      Optional<Long> keepYoungerThan,
      List<ObjectId> deleteCommits,
      boolean noPrune) {
    public static Options defaults() {
      return new Options(false, -1, Optional.empty(), List.of(), false);
    }
  }

  public record Result(int totalObjects, int deleted, long bytesFreed) {}

  public Result prune(Options o) {
    return repo.withExclusiveLock(() -> doPrune(o));
  }

  private Result doPrune(Options o) {
    boolean tombstones = repo.config().getBoolean("core", "tombstone-commits", false);
    for (ObjectId c : o.deleteCommits()) {
      if (repo.deleteObject(ObjectType.COMMIT, c) && tombstones) {
        writeTombstone(c);
      }
      repo.deleteObject(ObjectType.COMMIT_META, c);
    }
    Reachability reach = new Reachability(repo);
    List<ObjectId> commits = repo.listObjects(ObjectType.COMMIT);
    if (o.refsOnly()) {
      for (ObjectId c : repo.refs().list().values()) {
        reach.addCommit(c, o.depth());
      }
      for (Map<String, ObjectId> refs : repo.refs().listCollectionRefs().values()) {
        refs.values().forEach(c -> reach.addCommit(c, o.depth()));
      }
      if (o.keepYoungerThan().isPresent()) {
        for (ObjectId c : commits) {
          Commit commit = repo.readCommit(c);
          if (commit.timestamp() >= o.keepYoungerThan().get()) {
            reach.addCommit(c, 0);
          }
        }
      }
    } else {
      for (ObjectId c : commits) {
        reach.addCommit(c, 0);
      }
    }
    Set<Reachability.ObjectKey> keep = reach.reached();
    int total = 0;
    int deleted = 0;
    long freed = 0;
    for (ObjectType t :
        List.of(
            ObjectType.COMMIT,
            ObjectType.COMMIT_META,
            ObjectType.DIR_TREE,
            ObjectType.DIR_META,
            ObjectType.FILE)) {
      for (ObjectId id : repo.listObjects(t)) {
        total++;
        boolean keepIt =
            t == ObjectType.COMMIT_META
                ? keep.contains(new Reachability.ObjectKey(ObjectType.COMMIT, id))
                : keep.contains(new Reachability.ObjectKey(t, id));
        if (!keepIt) {
          deleted++;
          if (!o.noPrune()) {
            freed += sizeOf(t, id);
            if (repo.deleteObject(t, id) && t == ObjectType.COMMIT && tombstones) {
              writeTombstone(id);
            }
          }
        }
      }
    }
    return new Result(total, deleted, freed);
  }

  /**
   * With {@code [core] tombstone-commits=true}, a deleted commit leaves {@code
   * XX/YYY.tombstone-commit}: {@code a{sv}} with {@code commit} = the checksum as a NUL-terminated
   * byte string (byte-identical to libostree), so pullers learn the commit was deleted on purpose.
   * Written to a temp file and renamed: the prune holds the exclusive lock, so no transaction.
   */
  static byte[] tombstone(ObjectId commit) {
    byte[] hex = (commit.hex() + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return GVariant.vardict(Map.of("commit", GVariant.bytes(hex))).serialize();
  }

  private void writeTombstone(ObjectId commit) {
    java.nio.file.Path dest = repo.objectPath(ObjectType.TOMBSTONE_COMMIT, commit);
    try {
      java.nio.file.Path tmp =
          Files.createTempFile(repo.path().resolve("tmp"), "tombstone-", ".tmp");
      try {
        Files.write(tmp, tombstone(commit));
        dev.treewave.ostree.repo.FileAttributes.chmod(tmp, 0644);
        Files.createDirectories(dest.getParent());
        Files.move(tmp, dest, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new dev.treewave.ostree.repo.OstreeException(
          "Writing tombstone for " + commit + ": " + e.getMessage(), e);
    }
  }

  private long sizeOf(ObjectType t, ObjectId id) {
    try {
      return Files.size(repo.objectPath(t, id));
    } catch (IOException e) {
      return 0;
    }
  }
}
