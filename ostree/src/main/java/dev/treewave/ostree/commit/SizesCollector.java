package dev.treewave.ostree.commit;

import dev.treewave.ostree.core.CommitSizes;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gathers {@code ostree.sizes} while a commit runs, with libostree 2022.7's rules: every file,
 * dirtree and dirmeta object handed to the repository gets an entry, whether it was new or already
 * stored (so a re-commit lists the whole tree). libostree clears its table whenever it starts
 * reading another {@code --tree}, so with overlaid trees only the objects of the last tree and the
 * dirtrees written at the end are listed; each record therefore carries the number of the tree it
 * came from, and only the last tree's records count. Archived sizes are read from the stored
 * objects once every write has finished, because a file another thread is still writing has no size
 * yet.
 */
final class SizesCollector {
  private record Rec(ObjectType type, long unpacked, int generation) {}

  private final Map<ObjectId, Rec> records = new ConcurrentHashMap<>();
  private volatile int generation;

  /** Hooks into the transaction's metadata writes. */
  void attach(Transaction tx) {
    tx.observeMetadata(this::metadata);
  }

  /** A new {@code --tree} starts: what earlier trees recorded is dropped, as libostree does. */
  void newTree() {
    generation++;
  }

  /** The current tree's number; content tasks capture it when they are submitted. */
  int generation() {
    return generation;
  }

  private void metadata(ObjectType type, ObjectId id, int length) {
    if (type == ObjectType.DIR_TREE || type == ObjectType.DIR_META) {
      record(id, new Rec(type, length, generation));
    }
  }

  /** A content object; {@code unpacked} is the file size or the symlink target's length. */
  void content(ObjectId id, long unpacked, int generation) {
    record(id, new Rec(ObjectType.FILE, unpacked, generation));
  }

  private void record(ObjectId id, Rec rec) {
    records.merge(id, rec, (old, neu) -> neu.generation() > old.generation() ? neu : old);
  }

  /** Call after every object of the commit is written. */
  CommitSizes result(Transaction tx) {
    List<CommitSizes.Entry> entries = new ArrayList<>(records.size());
    int last = generation;
    records.forEach(
        (id, r) -> {
          if (r.generation() == last) {
            long archived =
                r.type() == ObjectType.FILE ? tx.storedSize(r.type(), id) : r.unpacked();
            entries.add(new CommitSizes.Entry(id, archived, r.unpacked(), r.type()));
          }
        });
    return new CommitSizes(entries);
  }
}
