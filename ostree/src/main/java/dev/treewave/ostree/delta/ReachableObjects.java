package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The objects of a commit's tree (excluding the commit itself), in walk order, and the path of
 * every file: what a delta must carry is the target's set minus the source's, and a changed file is
 * diffed against whatever the source has at the same path.
 */
record ReachableObjects(
    Set<ObjectId> dirTrees,
    Set<ObjectId> dirMetas,
    Set<ObjectId> files,
    Map<String, ObjectId> paths) {

  /** Nothing (the source of a from-scratch delta). */
  static final ReachableObjects NONE = new ReachableObjects(Set.of(), Set.of(), Set.of(), Map.of());

  static ReachableObjects of(OstreeRepo repo, ObjectId commit) {
    ReachableObjects r =
        new ReachableObjects(
            new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>(), new HashMap<>());
    var c = repo.readCommit(commit);
    r.walk(repo, c.rootTree(), c.rootMeta(), "/");
    return r;
  }

  private void walk(OstreeRepo repo, ObjectId tree, ObjectId meta, String path) {
    dirMetas.add(meta);
    dirTrees.add(tree);
    // identical subtrees are walked again under each path: the path map needs every location
    DirTree t = repo.readDirTree(tree);
    for (DirTree.FileEntry f : t.files()) {
      files.add(f.checksum());
      paths.put(path + f.name(), f.checksum());
    }
    for (DirTree.DirEntry d : t.dirs()) {
      walk(repo, d.treeChecksum(), d.metaChecksum(), path + d.name() + "/");
    }
  }

  /** The first path of each file object. */
  Map<ObjectId, String> firstPaths() {
    Map<ObjectId, String> byId = new HashMap<>();
    paths.forEach((p, id) -> byId.putIfAbsent(id, p));
    return byId;
  }
}
