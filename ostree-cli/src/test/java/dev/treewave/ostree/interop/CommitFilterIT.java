package dev.treewave.ostree.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.cli.OstreeCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code commit --statoverride= --skip-list=}: same files, same commit as ostree 2022.7. */
class CommitFilterIT {
  @TempDir Path tmp;
  final OstreeCliRunner ostree = new OstreeCliRunner();

  record Run(int code, String out, String err) {}

  Run ours(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OstreeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString().strip(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"archive", "bare-user"})
  void sameOverridesAndSkipsGiveTheSameCommit(String mode) throws Exception {
    Path t = tmp.resolve("t");
    Files.createDirectories(t.resolve("usr/bin"));
    Files.createDirectories(t.resolve("skipdir/x"));
    Files.writeString(t.resolve("usr/bin/tool"), "a");
    Files.writeString(t.resolve("skipdir/x/f"), "b");
    Files.writeString(t.resolve("keep"), "c");
    Files.writeString(t.resolve("hex"), "e");
    Files.writeString(t.resolve("skipme"), "d");
    Path st = tmp.resolve("st");
    Files.writeString(st, "+2048 /usr/bin/tool\n=448 /keep\n0x10 /hex\n+512 /usr\n=448 /absent\n");
    Path sk = tmp.resolve("sk");
    Files.writeString(sk, "/skipdir\n/skipme\n");
    Path theirs = tmp.resolve("theirs");
    Path mine = tmp.resolve("mine");
    ostree.ok(tmp, "init", "--repo=" + theirs, "--mode=" + mode);
    assertThat(ours("init", "--repo=" + mine, "--mode=" + mode).code()).isZero();
    List<String> args =
        List.of(
            "commit",
            "-b",
            "x",
            "--tree=dir=" + t,
            "--timestamp=2020-01-01 00:00:00 UTC",
            "--statoverride=" + st,
            "--skip-list=" + sk);
    String theirId = ostree.ok(tmp, with(args, theirs)).strip();
    Run r = ours(with(args, mine));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(theirId);
    assertThat(ostree.ok(tmp, "ls", "-R", "--repo=" + mine, "x"))
        .contains("-04644 0 0      1 /usr/bin/tool")
        .contains("-00700 0 0      1 /keep")
        .doesNotContain("skipdir")
        .doesNotContain("skipme");

    // An unmatched +line or skip-list path fails in both, and no ref moves.
    Files.writeString(st, "+1 /nope\n");
    assertThat(ostree.run(tmp, with(args, theirs)).exitCode()).isEqualTo(1);
    Run bad = ours(with(args, mine));
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("Unmatched statoverride paths: /nope");
    Files.writeString(st, "garbage\n");
    assertThat(ostree.run(tmp, with(args, theirs)).exitCode()).isEqualTo(1);
    assertThat(ours(with(args, mine)).err()).contains("Malformed statoverride file");
    Files.writeString(st, "");
    Files.writeString(sk, "/nope\n");
    assertThat(ostree.run(tmp, with(args, theirs)).exitCode()).isEqualTo(1);
    assertThat(ours(with(args, mine)).err()).contains("Unmatched skip-list paths: /nope");
    assertThat(ours("rev-parse", "--repo=" + mine, "x").out()).isEqualTo(theirId);
  }

  private static String[] with(List<String> args, Path repo) {
    List<String> a = new ArrayList<>(args);
    a.add(1, "--repo=" + repo);
    return a.toArray(String[]::new);
  }
}
