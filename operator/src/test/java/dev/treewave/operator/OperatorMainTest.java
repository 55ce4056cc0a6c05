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

  private static OperatorMain.Run run(String... flags) {
    String[] args = new String[flags.length + 1];
    args[0] = "run";
    System.arraycopy(flags, 0, args, 1, flags.length);
    picocli.CommandLine.ParseResult parsed = OperatorMain.commandLine().parseArgs(args);
    return (OperatorMain.Run) parsed.subcommand().commandSpec().userObject();
  }
}
