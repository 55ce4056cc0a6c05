package dev.treewave.ostree.interop;

import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the real {@code ostree} CLI (the oracle) and captures its output. */
final class OstreeCliRunner {
  private final Path ostree;

  OstreeCliRunner() {
    this.ostree = RequiredTool.require("ostree", "apt-get install ostree");
  }

  record Result(int exitCode, String stdout, String stderr) {}

  Result run(Path cwd, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ostree.toString());
    cmd.addAll(List.of(args));
    Processes.Result r =
        Processes.run(new ProcessBuilder(cmd).directory(cwd.toFile()), Duration.ofMinutes(10));
    return new Result(r.exitCode(), r.stdout(), r.stderr());
  }

  /** Runs and requires success; returns stdout. */
  String ok(Path cwd, String... args) throws IOException, InterruptedException {
    Result r = run(cwd, args);
    if (r.exitCode() != 0) {
      throw new AssertionError(
          "ostree " + String.join(" ", args) + " failed (" + r.exitCode() + "): " + r.stderr());
    }
    return r.stdout();
  }

  /**
   * {@code ostree init} of a new repository, then one commit of {@code tree} ({@code dir=...} or
   * {@code tar=...}) on {@code branch} at {@code timestamp}; returns the commit checksum.
   */
  String initAndCommit(
      Path cwd,
      Path repo,
      String mode,
      String branch,
      String tree,
      String timestamp,
      String subject)
      throws IOException, InterruptedException {
    ok(cwd, "init", "--repo=" + repo, "--mode=" + mode);
    return ok(
            cwd,
            "commit",
            "--repo=" + repo,
            "-b",
            branch,
            "--tree=" + tree,
            "--timestamp=" + timestamp,
            "-s",
            subject)
        .strip();
  }

  /** Runs a shell script in {@code dir} and returns its stdout (for listings of a tree). */
  String sh(Path dir, String script) throws IOException, InterruptedException {
    Processes.Result r =
        Processes.run(
            new ProcessBuilder("sh", "-euc", script).directory(dir.toFile()),
            Duration.ofMinutes(10));
    if (r.exitCode() != 0) {
      String msg = r.stderr();
      throw new AssertionError(
          "sh " + script + " failed: " + msg.substring(0, Math.min(msg.length(), 500)));
    }
    return r.stdout();
  }
}
