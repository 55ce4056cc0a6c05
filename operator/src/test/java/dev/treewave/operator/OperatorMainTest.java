package dev.treewave.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class OperatorMainTest {

  @Test
  void leaseTimingsOutOfOrderAreAUsageErrorInOneLineBeforeAnyClientIsBuilt() {
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = OperatorMain.commandLine().setErr(new PrintWriter(err, true));

    int code = cli.execute("run", "--lease-duration=PT5S", "--renew-deadline=PT10S");

    assertThat(code).isEqualTo(2);
    String first = err.toString().lines().findFirst().orElse("");
    assertThat(first)
        .isEqualTo(
            "lease timings need retry period < renew deadline < lease duration, got PT2S, PT10S,"
                + " PT5S");
    assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void podDeletesAreOffUnlessTheFlagGrantsThem() {
    assertThat(run().allowForceDelete).isFalse();
    assertThat(run("--allow-force-delete").allowForceDelete).isTrue();
  }

  @Test
  void theRefPollIntervalIsAKubernetesDurationAndOneLineWhenWrong() {
    assertThat(run().refPollInterval).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(run("--ref-poll-interval=1h30m").refPollInterval)
        .isEqualTo(java.time.Duration.ofMinutes(90));

    StringWriter err = new StringWriter();
    int code =
        OperatorMain.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute("run", "--ref-poll-interval=0s");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines().findFirst().orElse(""))
        .contains("--ref-poll-interval")
        .contains("must be a positive duration like 30s, 5m or 1h30m, got '0s'");
    assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static OperatorMain.Run run(String... flags) {
    String[] args = new String[flags.length + 1];
    args[0] = "run";
    System.arraycopy(flags, 0, args, 1, flags.length);
    picocli.CommandLine.ParseResult parsed = OperatorMain.commandLine().parseArgs(args);
    return (OperatorMain.Run) parsed.subcommand().commandSpec().userObject();
  }
}
