package dev.treewave.ostree.commit;

import java.nio.file.Path;

/** One {@code --tree=} argument; several are overlaid in order. */
public sealed interface TreeSource {
  /** {@code --tree=dir=PATH}. */
  record Dir(Path path) implements TreeSource {}

  /** {@code --tree=tar=FILE} (plain, gzip or xz). */
  record Tar(Path file) implements TreeSource {}

  /** {@code --tree=ref=REV}: the tree of an existing commit. */
  record Ref(String rev) implements TreeSource {}

  /** Parses {@code dir=…}, {@code tar=…}, {@code ref=…}, or a bare path (a directory). */
  static TreeSource parse(String arg) {
    if (arg.startsWith("dir=")) {
      return new Dir(Path.of(arg.substring(4)));
    }
    if (arg.startsWith("tar=")) {
      return new Tar(Path.of(arg.substring(4)));
    }
    if (arg.startsWith("ref=")) {
      return new Ref(arg.substring(4));
    }
    if (arg.contains("=")) {
      throw new IllegalArgumentException("Invalid --tree argument '" + arg + "'");
    }
    return new Dir(Path.of(arg));
  }
}
