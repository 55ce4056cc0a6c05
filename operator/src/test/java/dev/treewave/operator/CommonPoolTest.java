package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * The operator's start-up sizes the common pool on a small machine (see {@link
 * OperatorMain#atLeastTwoCommonPoolThreads}). Each case runs in a child JVM told it has two CPUs,
 * since the pool is sized once per JVM, before this test could change anything.
 */
class CommonPoolTest {

  @Test
  void onTwoCpusAsyncStepsRunOnTheCommonPoolInsteadOfANewThreadEach() throws Exception {
    String out = child(List.of(), "fix");

    assertThat(out).isEqualTo("parallelism 2, async on ForkJoinPool.commonPool-worker");
  }

  @Test
  void withoutItEveryAsyncStepStartsAThread() throws Exception {
    // What the fix is for: the JDK's default on two CPUs. If a JDK changes this, the fix may go.
    String out = child(List.of(), "plain");

    assertThat(out).isEqualTo("parallelism 1, async on Thread");
  }

  @Test
  void anOperatorsOwnSettingWins() throws Exception {
    String out = child(List.of("-D" + OperatorMain.COMMON_POOL_PARALLELISM + "=1"), "fix");

    assertThat(out).isEqualTo("parallelism 1, async on Thread");
  }

  private static String child(List<String> jvmFlags, String mode) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:ActiveProcessorCount=2");
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Child.class.getName());
    command.add(mode);
    return Processes.check(new ProcessBuilder(command), Duration.ofMinutes(1)).stdout().strip();
  }

  /** Prints the pool's parallelism and the name (without its number) of an async step's thread. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      if (args[0].equals("fix")) {
        OperatorMain.atLeastTwoCommonPoolThreads();
      }
      String thread =
          CompletableFuture.supplyAsync(() -> Thread.currentThread().getName())
              .get()
              .replaceAll("-?\\d+$", "");
      System.out.println(
          "parallelism " + ForkJoinPool.getCommonPoolParallelism() + ", async on " + thread);
    }
  }
}
