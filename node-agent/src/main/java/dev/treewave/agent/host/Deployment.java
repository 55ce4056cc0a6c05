package dev.treewave.agent.host;

import java.util.Objects;

/**
 * One OSTree deployment on the host, as the bootloader and {@code /ostree/deploy} see it.
 *
 * @param osName the stateroot ({@code /ostree/deploy/<osName>})
 * @param commit the deployed commit checksum (64 lower-case hex)
 * @param version the commit's {@code version} metadata, or null
 * @param serial the deployment serial ({@code <commit>.<serial>}): two deployments of one commit
 *     differ only by it
 * @param booted whether the running system was booted from it
 * @param staged whether it is staged (written, but not yet in the bootloader configuration)
 * @param pinned whether it is pinned, so that no cleanup may remove it
 */
public record Deployment(
    String osName,
    String commit,
    String version,
    int serial,
    boolean booted,
    boolean staged,
    boolean pinned) {

  public Deployment {
    Objects.requireNonNull(osName, "osName");
    Objects.requireNonNull(commit, "commit");
    if (serial < 0) {
      throw new IllegalArgumentException("negative serial " + serial);
    }
    if (booted && staged) {
      throw new IllegalArgumentException("a staged deployment cannot be the booted one");
    }
  }

  /** The {@code <commit>.<serial>} directory name under {@code /ostree/deploy/<osName>/deploy}. */
  public String directoryName() {
    return commit + "." + serial;
  }

  public Deployment withBooted(boolean value) {
    return new Deployment(osName, commit, version, serial, value, staged, pinned);
  }

  public Deployment withStaged(boolean value) {
    return new Deployment(osName, commit, version, serial, booted, value, pinned);
  }
}
