package dev.treewave.agent.host;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reboots by running a command. The {@code systemd} strategy is this with {@link #SYSTEMD_ARGV}: it
 * enters PID 1's namespaces (the DaemonSet runs with {@code hostPID: true}) and asks the host's
 * systemd for an orderly reboot, so shutdown hooks run as for any other reboot.
 */
public final class CommandRebooter implements Rebooter {

  private static final Logger LOG = LoggerFactory.getLogger(CommandRebooter.class);

  private static final List<String> IN_PID_ONE =
      List.of("nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--");

  public static final List<String> SYSTEMD_ARGV = concat(IN_PID_ONE, "systemctl", "reboot");

  /** Prints systemd's state; {@code stopping} once the shutdown has begun. */
  static final List<String> SYSTEMD_STATE_ARGV =
      concat(IN_PID_ONE, "systemctl", "is-system-running");

  /** How Java reports a child killed by SIGTERM (128 + 15). */
  static final int KILLED_BY_SIGTERM = 143;

  private final String name;
  private final List<String> argv;
  private final List<String> stateArgv;
  private final CommandRunner runner;

  public CommandRebooter(String name, List<String> argv, CommandRunner runner) {
    this(name, argv, List.of(), runner);
  }

  /**
   * @param stateArgv empty, or a command whose output is {@code stopping} while the host shuts
   *     down: then a reboot command killed by SIGTERM is taken as the reboot under way
   */
  CommandRebooter(String name, List<String> argv, List<String> stateArgv, CommandRunner runner) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("the reboot command is empty");
    }
    this.name = name;
    this.argv = List.copyOf(argv);
    this.stateArgv = List.copyOf(stateArgv);
    this.runner = runner;
  }

  /**
   * {@code systemctl reboot} in PID 1's namespaces. Without logind (a bare systemd host) systemctl
   * waits for the reboot job it queued; the shutdown then stops the agent's unit and kills that
   * systemctl with SIGTERM, after the reboot was accepted. systemd's own state tells that case from
   * a systemctl killed for another reason.
   */
  public static CommandRebooter systemd(CommandRunner runner) {
    return new CommandRebooter("systemd", SYSTEMD_ARGV, SYSTEMD_STATE_ARGV, runner);
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
      if (shuttingDown()) {
        LOG.info(
            "Reboot under way: the agent is stopped by the shutdown while {} ran",
            String.join(" ", argv));
        return;
      }
      throw new HostOsException(HostOsException.Kind.FAILED, "interrupted while rebooting", e);
    }
    if (result.exitStatus() == KILLED_BY_SIGTERM && shuttingDown()) {
      LOG.info(
          "Reboot under way: {} was ended by SIGTERM as the host shuts down",
          String.join(" ", argv));
      return;
    }
    if (result.exitStatus() != 0) {
      throw new HostOsException(
          HostOsException.Kind.FAILED,
          String.join(" ", argv) + " exited with " + result.exitStatus() + ": " + result.output());
    }
  }

  /** Whether the host says it is shutting down; false when it cannot tell. */
  private boolean shuttingDown() {
    if (stateArgv.isEmpty()) {
      return false;
    }
    // The same shutdown stops the agent: its shutdown hook interrupts this thread, usually just
    // before or while the probe runs. The probe is one short command; run it to its end anyway
    // (a second time if the interrupt cut the first wait short) and keep the interrupt for later.
    boolean interrupted = Thread.interrupted();
    try {
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          return runner.run(stateArgv).output().lines().anyMatch(l -> l.strip().equals("stopping"));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String name() {
    return name;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new java.util.ArrayList<>(head);
    all.addAll(List.of(tail));
    return List.copyOf(all);
  }
}
