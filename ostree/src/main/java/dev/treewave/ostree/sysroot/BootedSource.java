package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Where the running system tells which deployment it booted: {@code RUN/ostree-booted} (created by
 * ostree-prepare-root) and the {@code ostree=} argument of the kernel command line. Both are
 * injectable so tests can pretend a scratch sysroot is booted; {@code RUN/ostree/} also holds the
 * staged-deployment file.
 */
public record BootedSource(Path runDir, Supplier<String> cmdline) {

  /** The host's own {@code /run} and {@code /proc/cmdline}. */
  public static BootedSource host() {
    return new BootedSource(Path.of("/run"), () -> readOrEmpty(Path.of("/proc/cmdline")));
  }

  /** A system that is never booted (scratch sysroots): a run dir without ostree-booted. */
  public static BootedSource notBooted(Path runDir) {
    return new BootedSource(runDir, () -> "");
  }

  public boolean ostreeBooted() {
    return Files.exists(runDir.resolve("ostree-booted"));
  }

  public Path stagedDeploymentFile() {
    return runDir.resolve("ostree/staged-deployment");
  }

  public Path stagedLockFile() {
    return runDir.resolve("ostree/staged-deployment-locked");
  }

  private static String readOrEmpty(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
