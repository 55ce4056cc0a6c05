package dev.treewave.ostree.pull;

import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
      Process p = pb.start();
      p.getOutputStream().close();
      var errF =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                  return new byte[0];
                }
              });
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = errF.join();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("command hung: " + cmd);
      }
      return new Result(
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("could not run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static String repo(Path p) {
    return "--repo=" + p;
  }
}
