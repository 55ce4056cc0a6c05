package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A temporary directory that can be removed even though deployments in it are {@code chattr +i}
 * (JUnit's {@code @TempDir} cannot).
 */
final class ScratchDir implements AutoCloseable {

  final Path path;

  ScratchDir(String prefix) throws IOException {
    this.path = Files.createTempDirectory(prefix);
  }

  Path resolve(String other) {
    return path.resolve(other);
  }

  @Override
  public void close() {
    OstreeCli.run(List.of("chattr", "-R", "-f", "-i", path.toString()));
    OstreeCli.run(List.of("rm", "-rf", path.toString()));
  }
}
