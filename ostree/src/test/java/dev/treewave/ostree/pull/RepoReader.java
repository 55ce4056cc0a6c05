package dev.treewave.ostree.pull;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** Test helper: the tree of a commit as {@link TreeFixture#snapshot} renders a directory. */
public final class RepoReader {
  private RepoReader() {}

  public static Map<String, String> snapshot(OstreeRepo repo, ObjectId commitId)
      throws IOException {
    Commit c = repo.readCommit(commitId);
    Map<String, String> out = new TreeMap<>();
    walk(repo, c.rootTree(), "", out);
    return out;
  }

  private static void walk(OstreeRepo repo, ObjectId tree, String prefix, Map<String, String> out)
      throws IOException {
    DirTree t = repo.readDirTree(tree);
    for (DirTree.FileEntry f : t.files()) {
      repo.verifyContent(f.checksum());
      try (ContentObject co = repo.openContent(f.checksum())) {
        String rel = prefix + f.name();
        if (co.header().isSymlink()) {
          out.put(rel, "-> " + co.header().symlinkTarget());
        } else {
          out.put(
              rel,
              Integer.toOctalString(co.header().mode() & 0777)
                  + " "
                  + ObjectId.sha256(co.content().readAllBytes()).hex());
        }
      }
    }
    for (DirTree.DirEntry d : t.dirs()) {
      DirMeta m = repo.readDirMeta(d.metaChecksum());
      out.put(prefix + d.name() + "/", m == null ? "?" : "dir");
      walk(repo, d.treeChecksum(), prefix + d.name() + "/", out);
    }
  }
}
