package dev.treewave.ostree.cli;

import dev.treewave.ostree.cli.repo.RepoCommands;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A short, offline workload that {@code bin/treewave-ostree} runs once with {@code
 * -XX:ArchiveClassesAtExit} to build a class-data-sharing archive: every later command then maps
 * the CLI's classes (picocli, the object model, the repository) already parsed and verified instead
 * of loading them from the jars, which is most of a short command's start-up CPU. It runs the
 * everyday commands on a tiny tree in a scratch directory; nothing leaves that directory.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: CdsTraining SCRATCH-DIR [JNA-LIBRARY-FILE]");
      System.exit(2);
    }
    if (args.length == 2) {
      unpackJnaLibrary(Path.of(args[1]));
    }
    Path dir = Path.of(args[0]);
    Path tree = Files.createDirectories(dir.resolve("tree/usr/bin"));
    Files.writeString(tree.resolve("tool"), "#!/bin/sh\necho hi\n", StandardCharsets.UTF_8);
    Files.write(dir.resolve("tree/usr/data.bin"), new byte[64 * 1024]);
    Files.createSymbolicLink(dir.resolve("tree/link"), Path.of("usr/bin/tool"));
    Files.createDirectories(dir.resolve("tree/empty"));
    PrintWriter quiet = new PrintWriter(Writer.nullWriter());
    for (String mode : List.of("bare-user", "archive")) {
      String repo = "--repo=" + dir.resolve(mode);
      String src = "--tree=dir=" + dir.resolve("tree");
      run(quiet, "init", repo, "--mode=" + mode);
      run(quiet, "commit", repo, "-b", "t", src, "--timestamp=2020-01-01", "-s", "one");
      run(quiet, "commit", repo, "-b", "t", src, "-s", "two", "--generate-sizes");
      run(quiet, "checkout", repo, "-U", "t", dir.resolve("co-" + mode).toString());
      run(quiet, "checkout", repo, "-U", "--union", "t", dir.resolve("co-" + mode).toString());
      run(quiet, "fsck", repo);
      run(quiet, "log", repo, "t");
      run(quiet, "show", repo, "t");
      run(quiet, "ls", repo, "-R", "t");
      run(quiet, "cat", repo, "t", "/usr/bin/tool");
      run(quiet, "diff", repo, "t^", "t");
      run(quiet, "rev-parse", repo, "t");
      run(quiet, "refs", repo);
      run(quiet, "prune", repo, "--refs-only");
    }
  }

  /**
   * Copies JNA's native library for this platform out of its jar, for {@code
   * jna.boot.library.path}: JNA otherwise unpacks it into a new temporary file in every process
   * that loads it, and naming that file starts a SecureRandom: about 0.045 s of CPU per process
   * (docs/benchmarks.md, 2026-12-07).
   */
  static void unpackJnaLibrary(Path file) throws IOException {
    String resource =
        "/com/sun/jna/"
            + com.sun.jna.Platform.RESOURCE_PREFIX
            + "/"
            + System.mapLibraryName("jnidispatch");
    try (var in = com.sun.jna.Platform.class.getResourceAsStream(resource)) {
      if (in != null) {
        Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void run(PrintWriter out, String... args) {
    // Failures only make the archive less complete; they must not stop the launcher.
    // Checkout and commit go the way OstreeCli.main sends them, so their classes are archived too.
    if (RepoCommands.runFast(args, out, out).isEmpty()) {
      OstreeCli.run(args, out, out);
    }
  }
}
