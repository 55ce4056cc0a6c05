package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Where the running system tells which deployment it booted: {@code RUN/ostree-booted} (created by
 * ostree-prepare-root) says ostree booted us at all; the booted deployment is the one whose
 * directory is the same inode as {@code bootedRoot} (the running {@code /}, as libostree checks),
 * falling back to the {@code ostree=} argument of the kernel command line. All three are injectable
 * so tests can pretend a scratch sysroot is booted, and a containerised agent can pass the host's
 * root mount; {@code RUN/ostree/} also holds the staged-deployment file.
 */
public record BootedSource(Path runDir, Supplier<String> cmdline, Path bootedRoot) {

  /** The host's own {@code /run}, {@code /proc/cmdline} and {@code /}. */
  public static BootedSource host() {
    return new BootedSource(
        Path.of("/run"), () -> readOrEmpty(Path.of("/proc/cmdline")), Path.of("/"));
  }

  /**
   * For a node agent in a container that sees the host's root at {@code hostRoot}: the host's
   * {@code /run} there, this kernel's command line, and the host root as the booted tree.
   */
  public static BootedSource hostMountedAt(Path hostRoot) {
    return new BootedSource(
        hostRoot.resolve("run"), () -> readOrEmpty(Path.of("/proc/cmdline")), hostRoot);
  }

  /** A system that is never booted (scratch sysroots): a run dir without ostree-booted. */
  public static BootedSource notBooted(Path runDir) {
    return new BootedSource(runDir, () -> "", runDir);
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
