package dev.treewave.ostree.pull;

import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the real {@code ostree} (the oracle) and other tools in tests. */
public final class Cli {
  public record Result(int exit, String out, String err) {
    public Result ok() {
      if (exit != 0) {
        throw new AssertionError("command failed (" + exit + "): " + err + out);
      }
      return this;
    }
  }

  private Cli() {}

  public static Result ostree(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(RequiredTool.require("ostree", "apt-get install ostree").toString());
    cmd.addAll(List.of(args));
    return run(cmd, Map.of());
  }

  public static Result run(List<String> cmd, Map<String, String> env) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().putAll(env);
      Processes.Result r = Processes.run(pb, Duration.ofMinutes(10));
      return new Result(r.exitCode(), r.stdout(), r.stderr());
    } catch (IOException e) {
      throw new AssertionError("could not run " + cmd, e);
    }
  }

  public static String repo(Path p) {
    return "--repo=" + p;
  }
}
