package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A comparable description of the parts of a sysroot that define what boots: {@code boot/}, {@code
 * ostree/boot.*}, deployment directory names and origins, deployment refs. Also a description of an
 * {@code /etc} tree (type, mode, owner, content or link target).
 */
final class SysrootSnapshot {

  private SysrootSnapshot() {}

  static Map<String, String> bootState(Path sysroot) {
    Map<String, String> out = new TreeMap<>();
    walk(sysroot, sysroot.resolve("boot"), out, true);
    for (Path p : list(sysroot.resolve("ostree"))) {
      if (p.getFileName().toString().startsWith("boot.")) {
        walk(sysroot, p, out, true);
      }
    }
    for (Path os : list(sysroot.resolve("ostree/deploy"))) {
      for (Path d : list(os.resolve("deploy"))) {
        out.put(rel(sysroot, d), describe(d, d.getFileName().toString().endsWith(".origin")));
      }
    }
    // Deployment refs: files only; ostree leaves emptied ref directories behind.
    Map<String, String> refs = new TreeMap<>();
    walk(sysroot, sysroot.resolve("ostree/repo/refs/heads/ostree"), refs, true);
    refs.forEach(
        (k, v) -> {
          if (v.startsWith("f ")) {
            out.put(k, v);
          }
        });
    return out;
  }

  static Map<String, String> tree(Path root) {
    Map<String, String> out = new TreeMap<>();
    walk(root, root, out, true);
    return out;
  }

  private static void walk(Path base, Path p, Map<String, String> out, boolean contents) {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    out.put(rel(base, p), describe(p, contents));
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      for (Path c : list(p)) {
        walk(base, c, out, contents);
      }
    }
  }

  static String describe(Path p, boolean contents) {
    try {
      if (Files.isSymbolicLink(p)) {
        return "l -> " + Files.readSymbolicLink(p);
      }
      int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
      Object uid = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      String meta = Integer.toOctalString(mode) + " " + uid;
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        return "d " + meta;
      }
      return "f "
          + meta
          + (contents ? " " + new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String rel(Path base, Path p) {
    String r = base.relativize(p).toString();
    return r.isEmpty() ? "." : r;
  }

  static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
