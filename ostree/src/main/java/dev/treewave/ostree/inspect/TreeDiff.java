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

  /**
   * Depth first in name order, exactly as the recursion it replaces (a subdirectory's entries
   * before its later siblings, a directory's additions after its subdirectories), but with an
   * explicit stack: a tree may be 10,000 deep.
   */
  private void diffDirs(
      String base0,
      ObjectId ta0,
      ObjectId tb0,
      List<String> mod,
      List<String> rem,
      List<String> add) {
    final class Frame {
      final String base;
      final Map<String, Object> ea;
      final Map<String, Object> eb;
      final java.util.Iterator<Map.Entry<String, Object>> it;

      Frame(String base, ObjectId ta, ObjectId tb) {
        this.base = base;
        this.ea = entries(repo.readDirTree(ta));
        this.eb = entries(repo.readDirTree(tb));
        this.it = ea.entrySet().iterator();
      }
    }
    if (ta0.equals(tb0)) {
      return;
    }
    java.util.Deque<Frame> stack = new java.util.ArrayDeque<>();
    stack.push(new Frame(base0, ta0, tb0));
    while (!stack.isEmpty()) {
      Frame f = stack.peek();
      if (!f.it.hasNext()) {
        stack.pop();
        for (String name : f.eb.keySet()) {
          if (!f.ea.containsKey(name)) {
            add.add(f.base + "/" + name);
          }
        }
        continue;
      }
      Map.Entry<String, Object> e = f.it.next();
      String path = f.base + "/" + e.getKey();
      Object other = f.eb.get(e.getKey());
      if (other == null) {
        rem.add(path);
      } else if (e.getValue() instanceof DirTree.DirEntry da
          && other instanceof DirTree.DirEntry db) {
        if (!da.metaChecksum().equals(db.metaChecksum())) {
          mod.add(path);
        }
        if (!da.treeChecksum().equals(db.treeChecksum())) {
          stack.push(new Frame(path, da.treeChecksum(), db.treeChecksum()));
        }
      } else if (!e.getValue().equals(other)) {
        mod.add(path);
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
