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
  void systemctlKilledBySigtermWhileSystemdStopsIsTheRebootUnderWay() throws Exception {
    List<List<String>> ran = new ArrayList<>();
    CommandRebooter rebooter =
        CommandRebooter.systemd(
            argv -> {
              ran.add(argv);
              return argv.contains("reboot")
                  ? new CommandRunner.Result(143, "")
                  : new CommandRunner.Result(1, "stopping");
            });

    rebooter.requestReboot("test");

    assertThat(ran)
        .containsExactly(CommandRebooter.SYSTEMD_ARGV, CommandRebooter.SYSTEMD_STATE_ARGV);
    assertThat(CommandRebooter.SYSTEMD_STATE_ARGV)
        .endsWith("systemctl", "is-system-running")
        .startsWith("nsenter", "-t", "1");
  }

  @Test
  void theAgentsOwnStopDuringTheShutdownDoesNotHideIt() throws Exception {
    // As in a VM without logind: systemd SIGTERMs the agent's unit (systemctl exits 143 and the
    // JVM's shutdown hook interrupts the agent's thread) while it shuts down.
    CommandRunner runner =
        argv -> {
          if (argv.contains("reboot")) {
            Thread.currentThread().interrupt();
            return new CommandRunner.Result(143, "Failed to connect to bus");
          }
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("as Process.waitFor would");
          }
          return new CommandRunner.Result(1, "stopping");
        };

    try {
      CommandRebooter.systemd(runner).requestReboot("test");
      assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void interruptedWhileSystemctlWaitsDuringTheShutdownIsTheRebootUnderWay() throws Exception {
    CommandRunner runner =
        argv -> {
          if (argv.contains("reboot")) {
            throw new InterruptedException("the agent is stopped");
          }
          return new CommandRunner.Result(1, "stopping");
        };

    try {
      CommandRebooter.systemd(runner).requestReboot("test");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void interruptedWhileSystemdRunsIsAFailure() {
    CommandRunner runner =
        argv -> {
          if (argv.contains("reboot")) {
            throw new InterruptedException("the agent is stopped");
          }
          return new CommandRunner.Result(0, "running");
        };

    try {
      assertThatThrownBy(() -> CommandRebooter.systemd(runner).requestReboot("test"))
          .isInstanceOf(HostOsException.class)
          .hasMessageContaining("interrupted while rebooting");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void systemctlKilledBySigtermWhileSystemdRunsIsAFailure() {
    CommandRebooter rebooter =
        CommandRebooter.systemd(
            argv ->
                argv.contains("reboot")
                    ? new CommandRunner.Result(143, "")
                    : new CommandRunner.Result(0, "running"));

    assertThatThrownBy(() -> rebooter.requestReboot("test"))
        .isInstanceOf(HostOsException.class)
        .hasMessageContaining("exited with 143");
  }

  @Test
  void aCommandWithoutAStateProbeKilledBySigtermIsAFailure() {
    List<List<String>> ran = new ArrayList<>();
    CommandRebooter rebooter =
        new CommandRebooter(
            "command",
            List.of("/sbin/reboot"),
            argv -> {
              ran.add(argv);
              return new CommandRunner.Result(143, "stopping");
            });

    assertThatThrownBy(() -> rebooter.requestReboot("test"))
        .isInstanceOf(HostOsException.class)
        .hasMessageContaining("exited with 143");
    assertThat(ran).containsExactly(List.of("/sbin/reboot"));
  }

  @Test
  void aRealProcessKilledBySigtermDuringAShutdownIsTheRebootUnderWay() throws Exception {
    // The shell kills itself with SIGTERM, as systemd kills the agent's systemctl.
    CommandRebooter rebooter =
        new CommandRebooter(
            "systemd",
            List.of("sh", "-c", "kill -TERM $$"),
            List.of("echo", "stopping"),
            CommandRunner.processes());

    rebooter.requestReboot("test");
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
