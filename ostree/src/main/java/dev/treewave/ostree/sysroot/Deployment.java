package dev.treewave.ostree.sysroot;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One deployment: a checkout of commit {@code csum} in stateroot {@code osname}, directory {@code
 * ostree/deploy/OSNAME/deploy/CSUM.SERIAL}. {@code kargs} is the kernel command line of its boot
 * entry (may still carry an old {@code ostree=} argument, which is rewritten on every write).
 */
public record Deployment(
    String osname,
    String csum,
    int deployserial,
    String bootcsum,
    int bootserial,
    KernelArgs kargs,
    Optional<Origin> origin,
    boolean staged) {

  private static final Pattern DIR_NAME = Pattern.compile("^([0-9a-f]+)\\.([0-9]+)$");

  public Deployment {
    SysrootPaths.requireSafeName(osname, "stateroot");
    if (!csum.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a commit checksum: " + csum);
    }
  }

  public Id id() {
    return new Id(osname, csum, deployserial);
  }

  /** {@code CSUM.SERIAL}, the deployment directory's name. */
  public String dirName() {
    return csum + "." + deployserial;
  }

  public boolean pinned() {
    return origin.map(Origin::pinned).orElse(false);
  }

  public Deployment withKargs(KernelArgs newKargs) {
    return new Deployment(
        osname, csum, deployserial, bootcsum, bootserial, newKargs, origin, staged);
  }

  public Deployment withOrigin(Origin newOrigin) {
    return new Deployment(
        osname, csum, deployserial, bootcsum, bootserial, kargs, Optional.of(newOrigin), staged);
  }

  public Deployment withBootserial(int serial) {
    return new Deployment(osname, csum, deployserial, bootcsum, serial, kargs, origin, staged);
  }

  public Deployment asStaged(boolean isStaged) {
    return new Deployment(
        osname, csum, deployserial, bootcsum, bootserial, kargs, origin, isStaged);
  }

  /** Parses a deployment directory name {@code CSUM.SERIAL}. */
  public static Optional<Id> parseDirName(String osname, String name) {
    Matcher m = DIR_NAME.matcher(name);
    if (!m.matches() || m.group(1).length() != 64) {
      return Optional.empty();
    }
    return Optional.of(new Id(osname, m.group(1), Integer.parseInt(m.group(2))));
  }

  /** What identifies a deployment on disk, independent of its boot configuration. */
  public record Id(String osname, String csum, int deployserial) {
    public String dirName() {
      return csum + "." + deployserial;
    }

    @Override
    public String toString() {
      return osname + " " + dirName();
    }
  }
}
