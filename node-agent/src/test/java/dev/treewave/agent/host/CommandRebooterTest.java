package dev.treewave.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRebooterTest {

  @TempDir Path dir;

  @Test
  void systemdEntersPidOneAndAsksSystemctl() throws Exception {
    List<List<String>> ran = new ArrayList<>();
    CommandRebooter rebooter =
        CommandRebooter.systemd(
            argv -> {
              ran.add(argv);
              return new CommandRunner.Result(0, "");
            });

    rebooter.requestReboot("test");

    assertThat(ran)
        .containsExactly(
            List.of(
                "nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--", "systemctl", "reboot"));
    assertThat(rebooter.name()).isEqualTo("systemd");
  }

  @Test
  void aRealCommandRuns() throws Exception {
    Path marker = dir.resolve("rebooted");
    CommandRebooter rebooter =
        new CommandRebooter(
            "command", List.of("touch", marker.toString()), CommandRunner.processes());

    rebooter.requestReboot("test");

    assertThat(marker).exists();
  }

  @Test
  void aFailingCommandIsAnErrorWithItsOutput() {
    CommandRebooter rebooter =
        new CommandRebooter(
            "command",
            List.of("sh", "-c", "echo 'Failed to connect to bus' >&2; exit 3"),
            CommandRunner.processes());

    assertThatThrownBy(() -> rebooter.requestReboot("test"))
        .isInstanceOf(HostOsException.class)
        .hasMessageContaining("exited with 3")
        .hasMessageContaining("Failed to connect to bus");
  }

  @Test
  void aMissingProgramIsAnError() {
    CommandRebooter rebooter =
        new CommandRebooter(
            "command",
            List.of(dir.resolve("no-such-program").toString()),
            CommandRunner.processes());

    assertThatThrownBy(() -> rebooter.requestReboot("test"))
        .isInstanceOf(HostOsException.class)
        .hasMessageContaining("cannot run");
    assertThat(Files.exists(dir.resolve("no-such-program"))).isFalse();
  }
}
