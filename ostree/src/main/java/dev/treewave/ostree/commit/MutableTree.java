package dev.treewave.ostree.commit;

import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * A directory being assembled for a commit. Files map to futures of their content checksum (they
 * are hashed and written in parallel); a subtree taken unchanged from an existing commit keeps its
 * dirtree checksum and is only expanded if something is overlaid into it.
 */
final class MutableTree {
  private final TreeMap<String, Future<ObjectId>> files = new TreeMap<>(DirTree.NAME_ORDER);
  private final TreeMap<String, MutableTree> dirs = new TreeMap<>(DirTree.NAME_ORDER);
  private ObjectId metaId;
  private ObjectId unexpandedTree;
  private OstreeRepo source;

  MutableTree(ObjectId metaId) {
    this.metaId = metaId;
  }

  static MutableTree existing(OstreeRepo repo, ObjectId treeId, ObjectId metaId) {
    MutableTree t = new MutableTree(metaId);
    t.unexpandedTree = treeId;
    t.source = repo;
    return t;
  }

  void setMeta(ObjectId meta) {
    this.metaId = meta;
  }

  ObjectId meta() {
    return metaId;
  }

  private void expand() {
    if (unexpandedTree == null) {
      return;
    }
    DirTree t = source.readDirTree(unexpandedTree);
    for (DirTree.FileEntry f : t.files()) {
      files.put(f.name(), java.util.concurrent.CompletableFuture.completedFuture(f.checksum()));
    }
    for (DirTree.DirEntry d : t.dirs()) {
      dirs.put(d.name(), existing(source, d.treeChecksum(), d.metaChecksum()));
    }
    unexpandedTree = null;
  }

  /** Puts a file, replacing a file or directory of the same name (overlay semantics). */
  void putFile(String name, Future<ObjectId> checksum) {
    DirTree.validateName(name);
    expand();
    dirs.remove(name);
    files.put(name, checksum);
  }

  /** The subdirectory {@code name}, created (with the given dirmeta) or updated. */
  MutableTree directory(String name, ObjectId meta) {
    DirTree.validateName(name);
    expand();
    files.remove(name);
    MutableTree d = dirs.get(name);
    if (d == null) {
      d = new MutableTree(meta);
      dirs.put(name, d);
    } else if (meta != null) {
      d.setMeta(meta);
    }
    return d;
  }

  /** Replaces a subdirectory with an existing tree. */
  void putExisting(String name, MutableTree existing) {
    expand();
    files.remove(name);
    dirs.put(name, existing);
  }

  /** Writes dirtrees bottom-up (waiting for file checksums) and returns the root's checksum. */
  ObjectId write(Transaction tx) throws InterruptedException, ExecutionException {
    if (unexpandedTree != null) {
      return unexpandedTree;
    }
    List<DirTree.FileEntry> f = new ArrayList<>(files.size());
    for (Map.Entry<String, Future<ObjectId>> e : files.entrySet()) {
      f.add(new DirTree.FileEntry(e.getKey(), e.getValue().get()));
    }
    List<DirTree.DirEntry> d = new ArrayList<>(dirs.size());
    for (Map.Entry<String, MutableTree> e : dirs.entrySet()) {
      MutableTree sub = e.getValue();
      d.add(new DirTree.DirEntry(e.getKey(), sub.write(tx), sub.meta()));
    }
    return tx.writeDirTree(new DirTree(f, d));
  }
}
