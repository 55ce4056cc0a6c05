package dev.treewave.agent.host;

import java.io.IOException;
import java.util.List;

/**
 * Reboots by running a command. The {@code systemd} strategy is this with {@link #SYSTEMD_ARGV}: it
 * enters PID 1's namespaces (the DaemonSet runs with {@code hostPID: true}) and asks the host's
 * systemd for an orderly reboot, so shutdown hooks run as for any other reboot.
 */
public final class CommandRebooter implements Rebooter {

  public static final List<String> SYSTEMD_ARGV =
      List.of("nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--", "systemctl", "reboot");

  private final String name;
  private final List<String> argv;
  private final CommandRunner runner;

  public CommandRebooter(String name, List<String> argv, CommandRunner runner) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("the reboot command is empty");
    }
    this.name = name;
    this.argv = List.copyOf(argv);
    this.runner = runner;
  }

  public static CommandRebooter systemd(CommandRunner runner) {
    return new CommandRebooter("systemd", SYSTEMD_ARGV, runner);
  }

  public List<String> argv() {
    return argv;
  }

  @Override
  public void requestReboot(String reason) throws HostOsException {
    CommandRunner.Result result;
    try {
      result = runner.run(argv);
    } catch (IOException e) {
      throw new HostOsException(
          HostOsException.Kind.FAILED, "cannot run " + String.join(" ", argv) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostOsException(HostOsException.Kind.FAILED, "interrupted while rebooting", e);
    }
    if (result.exitStatus() != 0) {
      throw new HostOsException(
          HostOsException.Kind.FAILED,
          String.join(" ", argv) + " exited with " + result.exitStatus() + ": " + result.output());
    }
  }

  @Override
  public String name() {
    return name;
  }
}
