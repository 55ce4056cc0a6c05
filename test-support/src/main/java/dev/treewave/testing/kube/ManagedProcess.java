package dev.treewave.testing.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One control-plane component running as a child process, its stdout and stderr in a log file.
 * Stopping sends SIGTERM to the process and all its descendants, then SIGKILL after a grace period.
 */
final class ManagedProcess implements AutoCloseable {

  private static final Duration GRACE = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ManagedProcess start(String name, List<String> command, Path log, Path workDir) {
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "# " + String.join(" ", command) + "\n");
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      return new ManagedProcess(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + ")", e);
    }
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Throws with the log's tail when the process already exited: startup has failed. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with code " + process.exitValue() + "; log " + log + ":\n" + tail(40));
    }
  }

  /** The last {@code lines} lines of the log, for error messages. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    // Descendants first captured, as they are re-parented once the main process dies.
    List<ProcessHandle> tree =
        process
            .descendants()
            .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
    tree.add(0, process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (ProcessHandle handle : tree) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          handle.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (Exception timeoutOrInterrupt) {
        if (timeoutOrInterrupt instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
      if (handle.isAlive()) {
        handle.destroyForcibly();
      }
    }
    try {
      process.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
