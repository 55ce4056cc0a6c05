package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.testing.RequiredTool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneBinariesTest {

  @TempDir Path tmp;
  private final String previous = System.getProperty(ControlPlaneBinaries.PROPERTY);

  @AfterEach
  void restoreProperty() {
    if (previous == null) {
      System.clearProperty(ControlPlaneBinaries.PROPERTY);
    } else {
      System.setProperty(ControlPlaneBinaries.PROPERTY, previous);
    }
  }

  @Test
  void propertyWinsWhenTheBuildIsComplete() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("entry/bin"));
    Files.writeString(tmp.resolve("entry/.complete"), "key=x\n");
    System.setProperty(ControlPlaneBinaries.PROPERTY, bin.toString());

    assertThat(ControlPlaneBinaries.locate().binDir()).isEqualTo(bin.toAbsolutePath());
  }

  @Test
  void incompleteBuildFailsWithTheSetupHint() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("entry/bin"));
    System.setProperty(ControlPlaneBinaries.PROPERTY, bin.toString());

    assertThatThrownBy(ControlPlaneBinaries::locate)
        .isInstanceOf(RequiredTool.MissingToolError.class)
        .hasMessageContaining(".complete")
        .hasMessageContaining("run bin/setup");
  }

  @Test
  void missingBinaryNamesItAndTheHint() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("entry/bin"));

    assertThatThrownBy(() -> new ControlPlaneBinaries(bin).kwok())
        .isInstanceOf(RequiredTool.MissingToolError.class)
        .hasMessageContaining("kwok is missing")
        .hasMessageContaining("bin/setup");
  }

  @Test
  void repositoryRootIsTheNearestFolderWithDotMvn() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectories(repo.resolve(".mvn"));
    Path deep = Files.createDirectories(repo.resolve("module/src/test"));

    assertThat(ControlPlaneBinaries.repositoryRoot(deep)).isEqualTo(repo);
    assertThat(ControlPlaneBinaries.repositoryRoot(tmp)).isNull();
  }
}
