package dev.treewave.ostree.sysroot;

import dev.treewave.ostree.repo.FileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * The 3-way {@code /etc} merge (ostree-format.md section 7.9): the admin's changes between the
 * merge deployment's defaults ({@code usr/etc}) and its {@code etc} are replayed onto the new
 * deployment's fresh {@code etc}; everything the admin did not touch follows the new defaults.
 *
 * <p>File names are kept as the bytes the kernel gave: every path here is a {@link Path} from a
 * directory listing, joined with {@link Path#resolve(Path)} and {@link Path#relativize(Path)},
 * which on Linux carry the raw bytes. A name is never turned into a {@code String} and back, which
 * would lose any name that is not valid in {@code sun.jnu.encoding} (an admin's {@code
 * bad\xff.conf}). The walks use explicit stacks, so a deep {@code /etc} cannot overflow the Java
 * stack.
 */
public final class EtcMerge {

  /** Paths relative to {@code /etc}, in walk order (parents before children). */
  public record Diff(List<Path> modified, List<Path> removed, List<Path> added) {

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
    List<Path> modified = new ArrayList<>();
    List<Path> removed = new ArrayList<>();
    List<Path> added = new ArrayList<>();
    // Depth first, children in name order, like the recursive walk it replaces: a stack of
    // relative directories still to compare, pushed in reverse so the first name pops first.
    Deque<Path> todo = new ArrayDeque<>();
    todo.push(Path.of(""));
    while (!todo.isEmpty()) {
      Path rel = todo.pop();
      Path a = defaults.resolve(rel);
      Path b = current.resolve(rel);
      List<Path> subdirs = new ArrayList<>();
      for (Path childA : sortedChildren(a)) {
        Path childRel = rel.resolve(childA.getFileName());
        Path childB = b.resolve(childA.getFileName());
        if (!Files.exists(childB, LinkOption.NOFOLLOW_LINKS)) {
          removed.add(childRel);
        } else if (isDir(childA) && isDir(childB)) {
          subdirs.add(childRel);
        } else if (!sameFile(childA, childB)) {
          modified.add(childRel);
        }
      }
      for (Path childB : sortedChildren(b)) {
        if (!Files.exists(a.resolve(childB.getFileName()), LinkOption.NOFOLLOW_LINKS)) {
          addTree(current, rel.resolve(childB.getFileName()), added);
        }
      }
      for (int i = subdirs.size() - 1; i >= 0; i--) {
        todo.push(subdirs.get(i));
      }
    }
    return new Diff(modified, removed, added);
  }

  /** {@code rel} and, if it is a directory, everything under it, parents first. */
  private static void addTree(Path root, Path rel, List<Path> added) throws IOException {
    Deque<Path> todo = new ArrayDeque<>();
    todo.push(rel);
    while (!todo.isEmpty()) {
      Path p = todo.pop();
      added.add(p);
      List<Path> children = sortedChildren(root.resolve(p));
      for (int i = children.size() - 1; i >= 0; i--) {
        todo.push(p.resolve(children.get(i).getFileName()));
      }
    }
  }

  /** Same ostree content checksum: type, mode, owner, symlink target and bytes all equal. */
  static boolean sameFile(Path a, Path b) throws IOException {
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
      // As strings: the JDK's Path would make "dir/" equal "dir" and lose such an edit.
      FileNames names = FileNames.system();
      return names.readSymbolicLink(a).equals(names.readSymbolicLink(b));
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
    for (Path rel : diff.removed()) {
      fs.deleteTree(newEtc.resolve(rel));
    }
    for (Path rel : diff.modified()) {
      copyOver(oldEtc, newEtc, rel);
    }
    for (Path rel : diff.added()) {
      copyOver(oldEtc, newEtc, rel);
    }
    return diff;
  }

  /**
   * libostree's copy_modified_config_file: a directory the new defaults also have as a directory is
   * left alone (its entries come as their own diff items); anything else in the way is replaced by
   * the admin's version, a directory with everything in it.
   */
  private void copyOver(Path fromRoot, Path toRoot, Path rel) throws IOException {
    Path src = fromRoot.resolve(rel);
    Path dst = toRoot.resolve(rel);
    ensureParents(fromRoot, toRoot, rel);
    if (isDir(dst)) {
      if (!isDir(src)) {
        throw new SysrootException("Modified config file newly defaults to directory: /etc/" + rel);
      }
      return;
    }
    if (isDir(src)) {
      fs.deleteTree(dst);
      copyTree(fs, src, dst);
      return;
    }
    if (!Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(src)) {
      return; // sockets, fifos, devices: ostree ignores them too
    }
    fs.deleteTree(dst);
    fs.copyWithMetadata(src, dst);
  }

  /** Parents missing in the new /etc are created with the metadata of the old /etc's dirs. */
  private void ensureParents(Path fromRoot, Path toRoot, Path rel) throws IOException {
    for (int i = 1; i < rel.getNameCount(); i++) {
      Path sub = rel.subpath(0, i);
      Path dst = toRoot.resolve(sub);
      if (!Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
        fs.createDirectoryLike(dst, fromRoot.resolve(sub));
      } else if (!isDir(dst)) {
        fs.deleteTree(dst);
        fs.createDirectoryLike(dst, fromRoot.resolve(sub));
      }
    }
  }

  /**
   * Copies the directory {@code from} to {@code to} (which must not exist) with modes and owners:
   * directories, regular files and symlinks; other file types are skipped, as libostree does.
   */
  static void copyTree(SysrootFs fs, Path from, Path to) throws IOException {
    Deque<Path> todo = new ArrayDeque<>();
    fs.createDirectoryLike(to, from);
    todo.push(Path.of(""));
    while (!todo.isEmpty()) {
      Path rel = todo.pop();
      for (Path child : sortedChildren(from.resolve(rel))) {
        Path childRel = rel.resolve(child.getFileName());
        Path target = to.resolve(childRel);
        if (isDir(child)) {
          fs.createDirectoryLike(target, child);
          todo.push(childRel);
        } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)
            || Files.isSymbolicLink(child)) {
          fs.copyWithMetadata(child, target);
        }
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
