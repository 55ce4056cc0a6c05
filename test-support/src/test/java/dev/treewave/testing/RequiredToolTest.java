package dev.treewave.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class RequiredToolTest {

  @TempDir Path dir;

  @Test
  void findsAnExecutableInTheSecondFolderOfThePath() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path tool = Files.createFile(bin.resolve("frob"));
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));

    String path = empty + File.pathSeparator + bin;

    assertThat(RequiredTool.find("frob", path)).contains(tool.toAbsolutePath());
  }

  @Test
  void ignoresFilesThatAreNotExecutable() throws Exception {
    Files.createFile(dir.resolve("frob"));

    assertThat(RequiredTool.find("frob", dir.toString())).isEmpty();
  }

  @Test
  void aMissingToolFailsWithTheInstallHintUnlessTheBuildOptsOut() {
    String previous = System.getProperty(RequiredTool.ALLOW_MISSING_PROPERTY);
    try {
      System.clearProperty(RequiredTool.ALLOW_MISSING_PROPERTY);
      assertThatThrownBy(() -> RequiredTool.require("no-such-tool-xyz", "apt-get install xyz"))
          .isInstanceOf(RequiredTool.MissingToolError.class)
          .hasMessageContaining("apt-get install xyz");

      System.setProperty(RequiredTool.ALLOW_MISSING_PROPERTY, "true");
      assertThatThrownBy(() -> RequiredTool.require("no-such-tool-xyz", "apt-get install xyz"))
          .isInstanceOf(TestAbortedException.class);
    } finally {
      if (previous == null) {
        System.clearProperty(RequiredTool.ALLOW_MISSING_PROPERTY);
      } else {
        System.setProperty(RequiredTool.ALLOW_MISSING_PROPERTY, previous);
      }
    }
  }
}
