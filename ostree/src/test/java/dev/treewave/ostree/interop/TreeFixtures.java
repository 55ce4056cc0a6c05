package dev.treewave.ostree.interop;

import dev.treewave.ostree.repo.FileAttributes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Builds source trees with the features ostree cares about, and describes trees for comparison. */
final class TreeFixtures {
  private TreeFixtures() {}

  static boolean isRoot() {
    try {
      return FileAttributes.stat(Path.of("/proc/self")).uid() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Regular files of assorted modes, symlinks, empty dirs, xattrs, ownership, many entries. */
  static Path richTree(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("usr/bin"));
    Files.createDirectories(dir.resolve("etc/empty.d"));
    Files.createDirectories(dir.resolve("var/tmp"));
    Files.createDirectories(dir.resolve("many"));
    write(dir.resolve("hello.txt"), "hello\n", 0644);
    write(dir.resolve("usr/bin/tool"), "#!/bin/sh\necho hi\n", 0755);
    write(dir.resolve("usr/bin/suid"), "setuid binary", 04755);
    write(dir.resolve("etc/secret"), "s3cret", 0600);
    write(dir.resolve("etc/empty-file"), "", 0644);
    FileAttributes.chmod(dir.resolve("var/tmp"), 01777);
    FileAttributes.chmod(dir.resolve("etc/empty.d"), 0700);
    Files.createSymbolicLink(dir.resolve("link"), Path.of("hello.txt"));
    Files.createSymbolicLink(dir.resolve("usr/abs-link"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(dir.resolve("dangling"), Path.of("../nowhere/at/all"));
    FileAttributes.writeUserXattr(
        dir.resolve("hello.txt"), "b", "2".getBytes(StandardCharsets.UTF_8));
    FileAttributes.writeUserXattr(
        dir.resolve("hello.txt"), "a", "hello".getBytes(StandardCharsets.UTF_8));
    FileAttributes.writeUserXattr(dir.resolve("etc"), "dir", new byte[] {'D', 0, 1});
    byte[] big = new byte[5 * 1024 * 1024 + 17];
    new Random(7).nextBytes(big);
    Arrays.fill(big, 0, big.length / 2, (byte) 'x'); // half compressible
    Files.write(dir.resolve("usr/big.bin"), big);
    for (int i = 0; i < 1700; i++) {
      write(dir.resolve("many").resolve("file-" + i), "content " + (i % 50), 0644);
    }
    if (isRoot()) {
      FileAttributes.chown(dir.resolve("etc/secret"), 1000, 100);
      FileAttributes.chown(dir.resolve("var/tmp"), 0, 1000);
      FileAttributes.chown(dir.resolve("usr/abs-link"), 1000, 1000);
    }
    return dir;
  }

  static void write(Path p, String content, int mode) throws IOException {
    Files.writeString(p, content, StandardCharsets.UTF_8);
    FileAttributes.chmod(p, mode);
  }

  /**
   * One line per entry: path, type, mode, uid, gid, size, symlink target, xattrs, content hash. Two
   * trees are equal for ostree's purposes iff their descriptions are.
   */
  static List<String> describe(Path root, boolean withOwnership, boolean withXattrs)
      throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted().toList()) {
        FileAttributes.Stat st = FileAttributes.stat(p);
        StringBuilder sb = new StringBuilder(root.relativize(p).toString());
        sb.append(' ').append(Integer.toOctalString(st.mode()));
        if (withOwnership) {
          sb.append(' ').append(st.uid()).append(':').append(st.gid());
        }
        if (Files.isSymbolicLink(p)) {
          sb.append(" -> ").append(Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          sb.append(' ')
              .append(dev.treewave.ostree.core.ObjectId.sha256(Files.readAllBytes(p)).hex(), 0, 16);
        }
        if (withXattrs && !Files.isSymbolicLink(p)) {
          FileAttributes.readUserXattrs(p).stream()
              .filter(x -> !x.name().equals("user.ostreemeta"))
              .sorted(dev.treewave.ostree.core.Xattr.BY_NAME)
              .forEach(x -> sb.append(' ').append(x));
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  /** Every file under {@code objects/}: relative path, bytes hash, mode, and ostreemeta xattr. */
  static List<String> describeObjects(Path repo) throws IOException {
    List<String> out = new ArrayList<>();
    Path objects = repo.resolve("objects");
    try (Stream<Path> s = Files.walk(objects)) {
      for (Path p :
          s.filter(
                  x -> Files.isRegularFile(x, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(x))
              .sorted()
              .toList()) {
        FileAttributes.Stat st = FileAttributes.stat(p);
        String content =
            Files.isSymbolicLink(p)
                ? "-> " + Files.readSymbolicLink(p)
                : dev.treewave.ostree.core.ObjectId.sha256(Files.readAllBytes(p)).hex();
        byte[] meta =
            Files.isSymbolicLink(p) ? null : FileAttributes.readUserXattr(p, "ostreemeta");
        out.add(
            objects.relativize(p)
                + " "
                + Integer.toOctalString(st.mode())
                + (p.toString().endsWith(".file") ? " " + st.uid() + ":" + st.gid() : "")
                + " "
                + content
                + (meta == null ? "" : " meta=" + java.util.HexFormat.of().formatHex(meta)));
      }
    }
    return out;
  }
}
