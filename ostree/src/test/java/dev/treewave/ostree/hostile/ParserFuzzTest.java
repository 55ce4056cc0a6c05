package dev.treewave.ostree.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ParserFuzz} in a separate JVM with the agent's {@code -Xmx64m
 * -XX:+ExitOnOutOfMemoryError}: a fixed seed and iteration count in CI; {@code
 * -Dtreewave.fuzz.iterations=N} (and {@code -Dtreewave.fuzz.seed=S}) for longer runs. Passing means
 * every input (at most 64 KiB) ended in the project's own exception or was accepted, and none
 * needed more than the 64 MiB heap (an OutOfMemoryError would exit the JVM with code 3).
 */
class ParserFuzzTest {
  @TempDir Path tmp;

  @Test
  void everyParserOfNetworkDataRefusesGarbageWithItsOwnExceptionInASmallHeap() throws Exception {
    String seed = System.getProperty("treewave.fuzz.seed", "20261206");
    String iterations = System.getProperty("treewave.fuzz.iterations", "1000");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(AgentJvm.FLAGS);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.addAll(List.of(ParserFuzz.class.getName(), seed, iterations, tmp.toString()));
    Path out = tmp.resolve("fuzz.out");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("fuzzing hung: " + Files.readString(out));
    }
    String report = Files.readString(out, StandardCharsets.UTF_8);
    System.out.print(report);
    assertThat(p.exitValue()).as(report).isZero();
    assertThat(report).contains("0 findings");
  }
}
