package dev.treewave.ostree.inspect;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.OstreeRepo;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Collects the objects reachable from commits (the basis of fsck and prune). */
public final class Reachability {
  /** An object key: type and checksum. */
  public record ObjectKey(ObjectType type, ObjectId id) {
    // Spelled out: the generated equals/hashCode bootstrap through ObjectMethods' method handles,
    // which cost every fsck and prune run start-up time, and each of its lookups an indirect call.
    @Override
    public boolean equals(Object o) {
      return o instanceof ObjectKey k && k.type == type && k.id.equals(id);
    }

    @Override
    public int hashCode() {
      return 31 * id.hashCode() + type.ordinal();
    }
  }

  private final OstreeRepo repo;
  private final Set<ObjectKey> reached = new HashSet<>();

  public Reachability(OstreeRepo repo) {
    this.repo = repo;
  }

  public Set<ObjectKey> reached() {
    return reached;
  }

  /** Whether the commit is marked partial ({@code state/CSUM.commitpartial}): tree not complete. */
  public static boolean isPartial(OstreeRepo repo, ObjectId commit) {
    return Files.exists(repo.path().resolve("state").resolve(commit.hex() + ".commitpartial"));
  }

  /**
   * Adds a commit, its detached metadata, and (unless partial) its tree; then up to {@code depth}
   * parents ({@code -1}: all). Missing parents end the walk quietly, as in ostree.
   */
  public void addCommit(ObjectId commitId, int depth) {
    Optional<ObjectId> next = Optional.of(commitId);
    int remaining = depth;
    while (next.isPresent()) {
      ObjectId id = next.get();
      if (!repo.hasObject(ObjectType.COMMIT, id)) {
        return;
      }
      if (!reached.add(new ObjectKey(ObjectType.COMMIT, id))) {
        return;
      }
      if (repo.hasObject(ObjectType.COMMIT_META, id)) {
        reached.add(new ObjectKey(ObjectType.COMMIT_META, id));
      }
      Commit c = repo.readCommit(id);
      if (!isPartial(repo, id)) {
        addTree(c.rootTree(), c.rootMeta());
      }
      if (remaining == 0) {
        return;
      }
      if (remaining > 0) {
        remaining--;
      }
      next = c.parent();
    }
  }

  public void addTree(ObjectId tree, ObjectId meta) {
    Deque<ObjectId[]> todo = new ArrayDeque<>();
    todo.push(new ObjectId[] {tree, meta});
    while (!todo.isEmpty()) {
      ObjectId[] t = todo.pop();
      reached.add(new ObjectKey(ObjectType.DIR_META, t[1]));
      if (!reached.add(new ObjectKey(ObjectType.DIR_TREE, t[0]))) {
        continue;
      }
      DirTree dt = repo.readDirTree(t[0]);
      for (DirTree.FileEntry f : dt.files()) {
        reached.add(new ObjectKey(ObjectType.FILE, f.checksum()));
      }
      for (DirTree.DirEntry d : dt.dirs()) {
        todo.push(new ObjectId[] {d.treeChecksum(), d.metaChecksum()});
      }
    }
  }
}
