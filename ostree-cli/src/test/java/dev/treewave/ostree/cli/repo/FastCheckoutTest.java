package dev.treewave.ostree.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.cli.OstreeCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The picocli-free checkout parser: what it accepts, what it leaves to picocli, and errors. */
class FastCheckoutTest {
  @TempDir Path tmp;

  static Optional<FastCheckout.Args> parse(String... args) {
    return FastCheckout.parse(args);
  }

  @Test
  void parsesTheCommonCommandLines() {
    FastCheckout.Args a = parse("checkout", "--repo=/r", "-U", "os/x", "/co").orElseThrow();
    assertThat(a.repo()).contains(Path.of("/r"));
    assertThat(a.options()).isEqualTo(new CheckoutOptions(true, "/", false, false));
    assertThat(a.rev()).isEqualTo("os/x");
    assertThat(a.dest()).contains(Path.of("/co"));

    a =
        parse("--repo", "/r", "checkout", "--union", "-H", "--subpath", "/usr", "abc")
            .orElseThrow();
    assertThat(a.options()).isEqualTo(new CheckoutOptions(false, "/usr", true, true));
    assertThat(a.dest()).isEmpty();
    assertThat(parse("checkout", "--user-mode", "--require-hardlinks", "--subpath=/etc", "r", "d"))
        .get()
        .extracting(FastCheckout.Args::options)
        .isEqualTo(new CheckoutOptions(true, "/etc", false, true));
  }

  @Test
  void leavesEverythingElseToPicocli() {
    assertThat(parse("commit", "--repo=/r", "-b", "x")).isEmpty();
    assertThat(parse("checkout", "--help")).isEmpty();
    assertThat(parse("checkout", "-UH", "r", "d")).isEmpty();
    assertThat(parse("checkout", "--bogus", "r")).isEmpty();
    assertThat(parse("checkout")).isEmpty();
    assertThat(parse("checkout", "a", "b", "c")).isEmpty();
    assertThat(parse("checkout", "--subpath")).isEmpty();
    assertThat(parse("--subpath=/x", "checkout", "r")).isEmpty();
    assertThat(parse("--version")).isEmpty();
  }

  @Test
  void checksOutLikeThePicocliCommandAndFailsWithOneLine() throws Exception {
    Path repo = tmp.resolve("repo");
    Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
    Files.writeString(tree.resolve("a"), "A");
    Files.createSymbolicLink(tmp.resolve("tree/l"), Path.of("sub/a"));
    StringWriter sink = new StringWriter();
    PrintWriter w = new PrintWriter(sink, true);
    assertThat(OstreeCli.run(new String[] {"init", "--repo=" + repo, "--mode=bare-user"}, w, w))
        .isZero();
    assertThat(
            OstreeCli.run(
                new String[] {
                  "commit", "--repo=" + repo, "-b", "b", "--tree=dir=" + tmp.resolve("tree")
                },
                w,
                w))
        .as("%s", sink)
        .isZero();

    Path co = tmp.resolve("co");
    StringWriter err = new StringWriter();
    int code =
        FastCheckout.run(
            parse("checkout", "--repo=" + repo, "-U", "b", co.toString()).orElseThrow(),
            new PrintWriter(err));
    assertThat(code).as("%s", err).isZero();
    assertThat(Files.readString(co.resolve("sub/a"))).isEqualTo("A");
    assertThat(Files.readSymbolicLink(co.resolve("l"))).isEqualTo(Path.of("sub/a"));

    err = new StringWriter();
    code =
        FastCheckout.run(
            parse("checkout", "--repo=" + repo, "-U", "b", co.toString()).orElseThrow(),
            new PrintWriter(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: ").contains("already exists").hasLineCount(1);

    err = new StringWriter();
    code =
        FastCheckout.run(
            parse("checkout", "--repo=" + repo, "nope", tmp.resolve("x").toString()).orElseThrow(),
            new PrintWriter(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: ").hasLineCount(1);
  }
}
