package dev.treewave.ostree.inspect;

import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code ostree ls}: one line per entry in ostree's format (type+mode, uid, gid, size, path). */
public final class TreeListing {
  private final OstreeRepo repo;
  private final boolean recursive;
  private final boolean checksums;
  private final boolean xattrs;

  public TreeListing(OstreeRepo repo, boolean recursive, boolean checksums, boolean xattrs) {
    this.repo = repo;
    this.recursive = recursive;
    this.checksums = checksums;
    this.xattrs = xattrs;
  }

  /** A resolved node: a directory (tree+meta) or a file. */
  public record Node(String path, ObjectId tree, ObjectId meta, ObjectId file) {
    public boolean isDirectory() {
      return tree != null;
    }
  }

  /** Finds {@code path} in the commit's tree. */
  public static Node resolve(OstreeRepo repo, ObjectId commit, String path) {
    var c = repo.readCommit(commit);
    Node n = new Node("/", c.rootTree(), c.rootMeta(), null);
    StringBuilder p = new StringBuilder();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (!n.isDirectory()) {
        throw new OstreeException("No such file or directory: " + path);
      }
      p.append('/').append(part);
      DirTree t = repo.readDirTree(n.tree());
      Node found = null;
      for (DirTree.DirEntry d : t.dirs()) {
        if (d.name().equals(part)) {
          found = new Node(p.toString(), d.treeChecksum(), d.metaChecksum(), null);
        }
      }
      for (DirTree.FileEntry f : t.files()) {
        if (f.name().equals(part)) {
          found = new Node(p.toString(), null, null, f.checksum());
        }
      }
      if (found == null) {
        throw new OstreeException("No such file or directory: " + path);
      }
      n = found;
    }
    return n;
  }

  public List<String> list(ObjectId commit, String path) {
    List<String> out = new ArrayList<>();
    Node n = resolve(repo, commit, path);
    line(n, out);
    if (n.isDirectory()) {
      children(n, out);
    }
    return out;
  }

  /** Depth first, files then directories, without recursion (a tree may be 10,000 deep). */
  private void children(Node top, List<String> out) {
    java.util.Deque<Node> todo = new java.util.ArrayDeque<>();
    todo.push(top);
    while (!todo.isEmpty()) {
      Node dir = todo.pop();
      if (dir != top) {
        line(dir, out);
        if (!recursive) {
          continue;
        }
      }
      DirTree t = repo.readDirTree(dir.tree());
      String base = dir.path().equals("/") ? "" : dir.path();
      for (DirTree.FileEntry f : t.files()) {
        line(new Node(base + "/" + f.name(), null, null, f.checksum()), out);
      }
      List<DirTree.DirEntry> dirs = t.dirs();
      for (int i = dirs.size() - 1; i >= 0; i--) {
        DirTree.DirEntry d = dirs.get(i);
        todo.push(new Node(base + "/" + d.name(), d.treeChecksum(), d.metaChecksum(), null));
      }
    }
  }

  private void line(Node n, List<String> out) {
    if (n.isDirectory()) {
      DirMeta m = repo.readDirMeta(n.meta());
      StringBuilder sb = prefix('d', m.mode(), m.uid(), m.gid(), 0);
      if (checksums) {
        sb.append(n.tree().hex()).append(' ').append(n.meta().hex()).append(' ');
      }
      if (xattrs) {
        sb.append(formatXattrs(m.xattrs())).append(' ');
      }
      out.add(sb.append(n.path()).toString());
      return;
    }
    try (ContentObject c = repo.openContent(n.file())) {
      FileHeader h = c.header();
      StringBuilder sb = prefix(h.isSymlink() ? 'l' : '-', h.mode(), h.uid(), h.gid(), c.size());
      if (checksums) {
        sb.append(n.file().hex()).append(' ');
      }
      if (xattrs) {
        sb.append(formatXattrs(h.xattrs())).append(' ');
      }
      sb.append(n.path());
      if (h.isSymlink()) {
        sb.append(" -> ").append(h.symlinkTarget());
      }
      out.add(sb.toString());
    } catch (IOException e) {
      throw new OstreeException(e.getMessage(), e);
    }
  }

  private static StringBuilder prefix(char type, int mode, int uid, int gid, long size) {
    return new StringBuilder()
        .append(type)
        .append(String.format("0%04o %d %d %6d ", mode & 07777, uid, gid, size));
  }

  static String formatXattrs(List<Xattr> xattrs) {
    if (xattrs.isEmpty()) {
      return "{ @a(ayay) [] }";
    }
    StringBuilder sb = new StringBuilder("{ [");
    for (int i = 0; i < xattrs.size(); i++) {
      Xattr x = xattrs.get(i);
      sb.append(i == 0 ? "" : ", ").append("(b'").append(x.name()).append("', ");
      sb.append(GVariantText.bytestring(x.value())).append(')');
    }
    return sb.append("] }").toString();
  }
}
