package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree deeper than the window of open directories, with read-only directories and a symlink to
 * something outside: all of it goes, nothing outside does.
 */
class TreeRemovalTest {
  @TempDir Path tmp;

  @Test
  void removesATreeDeeperThanItsWindowWithoutFollowingSymlinks() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep"), "keep\n");
    Path root = tmp.resolve("tree");
    Path p = root;
    int depth = TreeRemoval.WINDOW * 2 + 7;
    for (int i = 0; i < depth; i++) {
      p = p.resolve("d");
    }
    Files.createDirectories(p);
    Path q = root;
    for (int i = 0; i < depth; i++) {
      q = q.resolve("d");
      Files.writeString(q.resolve("f"), "x");
      if (i % 50 == 0) {
        Files.createDirectory(q.resolve("side"));
        Files.writeString(q.resolve("side/g"), "y");
        Files.createSymbolicLink(q.resolve("side/out"), outside);
        Files.setPosixFilePermissions(
            q.resolve("side"), PosixFilePermissions.fromString("r-x------"));
      }
    }
    TreeRemoval.delete(root);
    assertThat(root).doesNotExist();
    assertThat(outside.resolve("keep")).hasContent("keep");

    Files.createDirectories(root.resolve("a/b"));
    TreeRemoval.deleteContents(root);
    assertThat(root).isEmptyDirectory();
    TreeRemoval.delete(root.resolve("absent"));
  }
}
