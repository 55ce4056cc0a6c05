package dev.treewave.ostree.hostile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs our CLI ({@code dev.treewave.ostree.cli.OstreeCli}) in a separate JVM with the node agent's
 * flags ({@code -Xmx64m -XX:+ExitOnOutOfMemoryError}) under {@code /usr/bin/time}, so a test sees
 * the exit code, both streams, the peak RSS and the wall time of one command.
 */
final class ForkedCli {
  record Result(int exit, String out, String err, long peakRssKb, double seconds) {
    /** stderr without the JVM's own warnings; what a user of the command reads. */
    List<String> errLines() {
      return err.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  private ForkedCli() {}

  static Result run(Path workDir, List<String> args) throws IOException, InterruptedException {
    Path times = Files.createTempFile(workDir, "time", ".txt");
    Path out = workDir.resolve("stdout-" + System.nanoTime());
    Path err = workDir.resolve("stderr-" + System.nanoTime());
    List<String> cmd =
        new ArrayList<>(List.of("/usr/bin/time", "-f", "%M %e", "-o", times.toString()));
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(AgentJvm.FLAGS);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.add("dev.treewave.ostree.cli.OstreeCli");
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("TREEWAVE_DEBUG");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("command hung: " + args);
    }
    String[] t =
        Files.readString(times).strip().lines().reduce((a, b) -> b).orElse("0 0").split(" ");
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8),
        Long.parseLong(t[0]),
        Double.parseDouble(t[1]));
  }
}
