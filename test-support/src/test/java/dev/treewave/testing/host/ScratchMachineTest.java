package dev.treewave.testing.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchMachineTest {

  @TempDir Path dir;

  @Test
  void aBootWritesTheCommandLineANewBootIdAndTheMarker() throws Exception {
    ScratchMachine m = ScratchMachine.create(dir.resolve("root"), dir.resolve("proc"));
    String first = m.bootId();
    assertThat(m.cmdline()).isEmpty();
    assertThat(m.boots()).isZero();

    m.boot("root=UUID=x ostree=/ostree/boot.1/os/abc/0");

    assertThat(Files.readString(dir.resolve("proc/cmdline")))
        .isEqualTo("root=UUID=x ostree=/ostree/boot.1/os/abc/0\n");
    assertThat(m.bootId()).isNotEqualTo(first).hasSize(36);
    assertThat(dir.resolve("proc/sys/kernel/random/boot_id")).exists();
    assertThat(dir.resolve("root/run/ostree-booted")).exists();
    assertThat(m.boots()).isEqualTo(1);
  }

  @Test
  void theMarkerCanBeTakenAwayAndBack() throws Exception {
    ScratchMachine m = ScratchMachine.create(dir.resolve("root"), dir.resolve("proc"));
    m.boot("ostree=/x");
    m.markNotOstreeBooted();
    assertThat(dir.resolve("root/run/ostree-booted")).doesNotExist();
    m.markOstreeBooted();
    assertThat(dir.resolve("root/run/ostree-booted")).exists();
  }
}
