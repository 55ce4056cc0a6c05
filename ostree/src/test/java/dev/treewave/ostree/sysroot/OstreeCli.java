package dev.treewave.ostree.sysroot;

import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
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
}
