package dev.treewave.ostree.sysroot;

import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the real {@code ostree} CLI (the oracle) and other helper programs in tests. */
final class OstreeCli {

  record Result(int exit, String out, String err) {
    Result ok() {
      if (exit != 0) {
        throw new AssertionError("command failed (" + exit + "): " + err + out);
      }
      return this;
    }
  }

  private OstreeCli() {}

  static Path ostree() {
    return RequiredTool.require("ostree", "apt-get install ostree");
  }

  static Result ostree(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ostree().toString());
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  static Result run(List<String> cmd) {
    try {
      Processes.Result r = Processes.run(new ProcessBuilder(cmd), Duration.ofMinutes(5));
      return new Result(r.exitCode(), r.stdout(), r.stderr());
    } catch (IOException e) {
      throw new AssertionError("could not run " + cmd, e);
    }
  }
}
