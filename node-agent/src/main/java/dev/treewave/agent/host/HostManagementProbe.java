package dev.treewave.agent.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Decides whether the agent may manage the host (for {@link HostOs#inspect} implementations):
 *
 * <ul>
 *   <li>the host must have booted from OSTree ({@code <hostRoot>/run/ostree-booted}, created by
 *       ostree-prepare-root);
 *   <li>no other update manager may be running: the agent runs with {@code hostPID: true}, so
 *       {@code /proc} lists the host's processes, and an {@code rpm-ostreed} or {@code zincati}
 *       process means another tool owns the deployments;
 *   <li>rpm-ostree's automatic updates must not be enabled (its daemon is started on demand, so it
 *       is not always running when it is in charge).
 * </ul>
 */
public final class HostManagementProbe {

  /** Process names ({@code /proc/<pid>/comm}) of other OSTree update managers, and their tool. */
  static final Map<String, String> OTHER_MANAGERS =
      Map.of("rpm-ostreed", "rpm-ostree", "zincati", "zincati");

  private static final String RPM_OSTREE_AUTOMATIC_TIMER =
      "etc/systemd/system/timers.target.wants/rpm-ostreed-automatic.timer";

  private final Path hostRoot;
  private final Path proc;

  /**
   * @param hostRoot where the host's root filesystem is mounted
   * @param proc the process table to scan, normally {@code /proc}
   */
  public HostManagementProbe(Path hostRoot, Path proc) {
    this.hostRoot = hostRoot;
    this.proc = proc;
  }

  public Management probe() throws HostOsException {
    Path marker = hostRoot.resolve("run/ostree-booted");
    if (!Files.exists(marker)) {
      return new Management.NotOstreeBooted(marker + " does not exist");
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
      for (Path entry : entries) {
        String pid = entry.getFileName().toString();
        if (!pid.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String comm;
        try {
          comm = Files.readString(entry.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException gone) {
          continue; // the process exited while we looked
        }
        String tool = OTHER_MANAGERS.get(comm);
        if (tool != null) {
          return new Management.ManagedByOther(tool, comm + " is running (pid " + pid + ")");
        }
      }
    } catch (IOException e) {
      throw new HostOsException(
          HostOsException.Kind.FAILED, "cannot list the processes in " + proc + ": " + e, e);
    }
    if (Files.exists(hostRoot.resolve(RPM_OSTREE_AUTOMATIC_TIMER))) {
      return new Management.ManagedByOther(
          "rpm-ostree", "automatic updates are enabled (rpm-ostreed-automatic.timer)");
    }
    return new Management.Managed();
  }

  /**
   * The kernel's boot id, which changes on every boot ({@code /proc/sys/kernel/random/boot_id}; not
   * namespaced, so a container reads the host's).
   */
  public static String bootId(Path proc) throws HostOsException {
    Path file = proc.resolve("sys/kernel/random/boot_id");
    try {
      String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (id.isEmpty()) {
        throw new HostOsException(HostOsException.Kind.FAILED, file + " is empty");
      }
      return id;
    } catch (IOException e) {
      throw new HostOsException(HostOsException.Kind.FAILED, "cannot read " + file + ": " + e, e);
    }
  }
}
