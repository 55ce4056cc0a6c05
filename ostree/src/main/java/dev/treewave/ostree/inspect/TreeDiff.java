package dev.treewave.ostree.inspect;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ostree diff A B}: lines {@code M /path}, {@code D /path}, {@code A /path}. Subtrees with
 * equal checksums are skipped without reading them.
 */
public final class TreeDiff {
  private final OstreeRepo repo;

  public TreeDiff(OstreeRepo repo) {
    this.repo = repo;
  }

  public List<String> diff(ObjectId from, ObjectId to) {
    Commit a = repo.readCommit(from);
    Commit b = repo.readCommit(to);
    List<String> modified = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> added = new ArrayList<>();
    if (!a.rootMeta().equals(b.rootMeta())) {
      modified.add("/");
    }
    diffDirs("", a.rootTree(), b.rootTree(), modified, removed, added);
    List<String> out = new ArrayList<>();
    modified.forEach(p -> out.add("M    " + p));
    removed.forEach(p -> out.add("D    " + p));
    added.forEach(p -> out.add("A    " + p));
    return out;
  }

  private void diffDirs(
      String base, ObjectId ta, ObjectId tb, List<String> mod, List<String> rem, List<String> add) {
    if (ta.equals(tb)) {
      return;
    }
    DirTree a = repo.readDirTree(ta);
    DirTree b = repo.readDirTree(tb);
    Map<String, Object> ea = entries(a);
    Map<String, Object> eb = entries(b);
    for (Map.Entry<String, Object> e : ea.entrySet()) {
      String path = base + "/" + e.getKey();
      Object other = eb.get(e.getKey());
      if (other == null) {
        rem.add(path);
      } else if (e.getValue() instanceof DirTree.DirEntry da
          && other instanceof DirTree.DirEntry db) {
        if (!da.metaChecksum().equals(db.metaChecksum())) {
          mod.add(path);
        }
        diffDirs(path, da.treeChecksum(), db.treeChecksum(), mod, rem, add);
      } else if (!e.getValue().equals(other)) {
        mod.add(path);
      }
    }
    for (String name : eb.keySet()) {
      if (!ea.containsKey(name)) {
        add.add(base + "/" + name);
      }
    }
  }

  private static Map<String, Object> entries(DirTree t) {
    Map<String, Object> m = new TreeMap<>(DirTree.NAME_ORDER);
    t.files().forEach(f -> m.put(f.name(), f));
    t.dirs().forEach(d -> m.put(d.name(), d));
    return m;
  }
}
