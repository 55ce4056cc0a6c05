package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The 3-way {@code /etc} merge (ostree-format.md section 7.9): the admin's changes between the
 * merge deployment's defaults ({@code usr/etc}) and its {@code etc} are replayed onto the new
 * deployment's fresh {@code etc}; everything the admin did not touch follows the new defaults.
 */
public final class EtcMerge {

  /** Paths relative to {@code /etc}, in walk order (parents before children). */
  public record Diff(List<String> modified, List<String> removed, List<String> added) {

    /** {@code ostree admin config-diff} lines: {@code M path}, {@code D …}, {@code A …}. */
    public List<String> lines() {
      List<String> out = new ArrayList<>();
      modified.forEach(p -> out.add("M    " + p));
      removed.forEach(p -> out.add("D    " + p));
      added.forEach(p -> out.add("A    " + p));
      return out;
    }
  }

  private final SysrootFs fs;

  public EtcMerge(SysrootFs fs) {
    this.fs = fs;
  }

  /** Classifies {@code current} against {@code defaults} the way ostree's diff does. */
  public static Diff diff(Path defaults, Path current) throws IOException {
    List<String> modified = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> added = new ArrayList<>();
    diffDir(defaults, current, "", modified, removed, added);
    return new Diff(modified, removed, added);
  }

  private static void diffDir(
      Path a,
      Path b,
      String prefix,
      List<String> modified,
      List<String> removed,
      List<String> added)
      throws IOException {
    for (Path childA : sortedChildren(a)) {
      String name = childA.getFileName().toString();
      Path childB = b.resolve(name);
      String rel = prefix + name;
      if (!Files.exists(childB, LinkOption.NOFOLLOW_LINKS)) {
        removed.add(rel);
      } else if (isDir(childA) && isDir(childB)) {
        diffDir(childA, childB, rel + "/", modified, removed, added);
      } else if (!sameFile(childA, childB)) {
        modified.add(rel);
      }
    }
    for (Path childB : sortedChildren(b)) {
      String name = childB.getFileName().toString();
      if (!Files.exists(a.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        addRecursively(childB, prefix + name, added);
      }
    }
  }

  private static void addRecursively(Path p, String rel, List<String> added) throws IOException {
    added.add(rel);
    if (isDir(p)) {
      for (Path child : sortedChildren(p)) {
        addRecursively(child, rel + "/" + child.getFileName(), added);
      }
    }
  }

  /** Same ostree content checksum: type, mode, owner, symlink target and bytes all equal. */
  private static boolean sameFile(Path a, Path b) throws IOException {
    if (isDir(a) != isDir(b) || Files.isSymbolicLink(a) != Files.isSymbolicLink(b)) {
      return false;
    }
    for (String attr : List.of("unix:mode", "unix:uid", "unix:gid")) {
      if (!Files.getAttribute(a, attr, LinkOption.NOFOLLOW_LINKS)
          .equals(Files.getAttribute(b, attr, LinkOption.NOFOLLOW_LINKS))) {
        return false;
      }
    }
    if (Files.isSymbolicLink(a)) {
      return Files.readSymbolicLink(a).equals(Files.readSymbolicLink(b));
    }
    if (Files.isRegularFile(a, LinkOption.NOFOLLOW_LINKS)) {
      return Files.mismatch(a, b) == -1;
    }
    return true;
  }

  /**
   * Replays the admin's changes ({@code oldDefaults} → {@code oldEtc}) onto {@code newEtc}.
   *
   * @return the classification that was applied
   */
  public Diff merge(Path oldDefaults, Path oldEtc, Path newEtc) throws IOException {
    Diff diff = diff(oldDefaults, oldEtc);
    for (String rel : diff.removed()) {
      fs.deleteTree(newEtc.resolve(rel));
    }
    for (String rel : diff.modified()) {
      copyOver(oldEtc, newEtc, rel);
    }
    for (String rel : diff.added()) {
      copyOver(oldEtc, newEtc, rel);
    }
    return diff;
  }

  private void copyOver(Path fromRoot, Path toRoot, String rel) throws IOException {
    Path src = fromRoot.resolve(rel);
    Path dst = toRoot.resolve(rel);
    ensureParents(fromRoot, toRoot, rel);
    if (isDir(src)) {
      if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS) && !isDir(dst)) {
        fs.deleteTree(dst);
      }
      if (!Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
        fs.createDirectoryLike(dst, src);
      }
      return;
    }
    if (!Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(src)) {
      return; // sockets, fifos, devices: ostree ignores them too
    }
    if (isDir(dst)) {
      throw new SysrootException("Modified config file newly defaults to directory: /etc/" + rel);
    }
    fs.deleteTree(dst);
    fs.copyWithMetadata(src, dst);
  }

  /** Parents missing in the new /etc are created with the metadata of the old /etc's dirs. */
  private void ensureParents(Path fromRoot, Path toRoot, String rel) throws IOException {
    Path relPath = Path.of(rel);
    for (int i = 1; i < relPath.getNameCount(); i++) {
      Path sub = relPath.subpath(0, i);
      Path dst = toRoot.resolve(sub.toString());
      if (!Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
        fs.createDirectoryLike(dst, fromRoot.resolve(sub.toString()));
      } else if (!isDir(dst)) {
        fs.deleteTree(dst);
        fs.createDirectoryLike(dst, fromRoot.resolve(sub.toString()));
      }
    }
  }

  private static boolean isDir(Path p) {
    return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
  }

  static List<Path> sortedChildren(Path dir) throws IOException {
    if (!isDir(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
