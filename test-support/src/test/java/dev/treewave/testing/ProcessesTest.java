package dev.treewave.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessesTest {
  @Test
  void bothStreamsAreKeptEvenWhenStderrFillsItsPipeFirst() throws Exception {
    // 1 MiB on stderr before a word on stdout: reading stdout to the end first would hang here.
    Processes.Result r =
        Processes.run(
            new ProcessBuilder(
                "sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' x >&2; echo done; exit 3"),
            Duration.ofMinutes(1));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("done\n");
    assertThat(r.stderrBytes()).hasSize(1 << 20);
  }

  @Test
  void aCommandThatOutlivesItsTimeoutIsKilledAndNamed() {
    assertThatThrownBy(
            () -> Processes.run(new ProcessBuilder("sleep", "60"), Duration.ofMillis(300)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sleep 60");
  }

  @Test
  void stdinIsClosedSoACommandReadingItEnds() throws Exception {
    Processes.Result r = Processes.run(new ProcessBuilder("cat"), Duration.ofSeconds(30));

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void checkFailsTheTestNamingTheCommandAndWhatItSaid() throws Exception {
    assertThat(Processes.check(new ProcessBuilder("echo", "hi"), Duration.ofSeconds(30)).stdout())
        .isEqualTo("hi\n");
    assertThatThrownBy(
            () ->
                Processes.check(
                    new ProcessBuilder("sh", "-c", "echo broken >&2; exit 4"),
                    Duration.ofSeconds(30)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("sh -c echo broken >&2; exit 4 exited with 4: broken");
  }
}
