package dev.treewave.ostree.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in-process: ostree-style flags, outputs and one-line errors. */
class OstreeCliTest {
  @TempDir Path tmp;
  Path repo;
  Path tree;

  record Run(int code, String out, String err) {}

  Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OstreeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  String ok(String... args) {
    Run r = cli(args);
    assertThat(r.code()).as("%s: %s", String.join(" ", args), r.err()).isZero();
    return r.out();
  }

  @BeforeEach
  void setUp() throws Exception {
    repo = tmp.resolve("repo");
    tree = Files.createDirectories(tmp.resolve("tree/sub"));
    Files.writeString(tmp.resolve("tree/hello.txt"), "hello\n");
    Files.writeString(tmp.resolve("tree/sub/a"), "A");
    Files.createSymbolicLink(tmp.resolve("tree/link"), Path.of("hello.txt"));
    ok("init", "--repo=" + repo, "--mode=archive");
  }

  @Test
  void commitLogShowRefsAndRevParse() throws Exception {
    String c1 =
        ok(
                "commit",
                "--repo=" + repo,
                "-b",
                "os/test",
                "--tree=dir=" + tmp.resolve("tree"),
                "--timestamp=2020-01-01 00:00:00 UTC",
                "-s",
                "First",
                "--add-metadata-string=version=1.0")
            .strip();
    Files.writeString(tmp.resolve("tree/sub/b"), "B");
    String c2 =
        ok(
                "commit",
                "--repo=" + repo,
                "--branch=os/test",
                "--timestamp=@1577923200",
                "-s",
                "Second",
                "-m",
                "Body",
                tmp.resolve("tree").toString())
            .strip();
    assertThat(ok("rev-parse", "--repo=" + repo, "os/test").strip()).isEqualTo(c2);
    assertThat(ok("rev-parse", "--repo=" + repo, "os/test^").strip()).isEqualTo(c1);
    assertThat(ok("refs", "--repo=" + repo)).isEqualTo("os/test\n");
    String show = ok("show", "--repo=" + repo, c1);
    assertThat(show)
        .startsWith("commit " + c1 + "\nContentChecksum:  ")
        .contains("Date:  2020-01-01 00:00:00 +0000\nVersion: 1.0\n\n    First\n\n");
    String log = ok("log", "--repo=" + repo, "os/test");
    assertThat(log)
        .startsWith("commit " + c2 + "\nParent:  " + c1)
        .contains("    Second\n\n    Body\n");
    assertThat(log.indexOf("commit " + c1)).isPositive();
    assertThat(ok("show", "--repo=" + repo, "--print-metadata-key=version", c1))
        .isEqualTo("'1.0'\n");
    assertThat(ok("diff", "--repo=" + repo, c1, c2)).isEqualTo("A    /sub/b\n");
    assertThat(ok("ls", "--repo=" + repo, "os/test", "/sub"))
        .isEqualTo("d00755 0 0      0 /sub\n-00644 0 0      1 /sub/a\n-00644 0 0      1 /sub/b\n");
    ok("reset", "--repo=" + repo, "os/test", c1);
    assertThat(ok("rev-parse", "--repo=" + repo, "os/test").strip()).isEqualTo(c1);
    ok("refs", "--repo=" + repo, "--create=other", c2);
    assertThat(ok("prune", "--repo=" + repo, "--refs-only")).contains("No unreachable objects");
    ok("refs", "--repo=" + repo, "--delete", "other");
    assertThat(ok("prune", "--repo=" + repo, "--refs-only")).contains("Deleted ");
    assertThat(cli("rev-parse", "--repo=" + repo, c2).code()).isZero(); // a checksum parses as such
    assertThat(ok("fsck", "--repo=" + repo)).contains("no errors found");
  }

  @Test
  void checkoutAndErrorsAreOneLine() throws Exception {
    ok("commit", "--repo=" + repo, "-b", "t", "--tree=dir=" + tmp.resolve("tree"));
    Path co = tmp.resolve("co");
    ok("checkout", "--repo=" + repo, "t", co.toString());
    assertThat(co.resolve("sub/a")).hasContent("A");
    assertThat(Files.readSymbolicLink(co.resolve("link"))).isEqualTo(Path.of("hello.txt"));

    Run missing = cli("log", "--repo=" + repo, "nope");
    assertThat(missing.code()).isNotZero();
    assertThat(missing.err()).isEqualTo("error: Refspec 'nope' not found\n");
    Run noRepo = cli("refs", "--repo=" + tmp.resolve("absent"));
    assertThat(noRepo.code()).isNotZero();
    assertThat(noRepo.err().lines().count()).isEqualTo(1);
    assertThat(noRepo.err()).startsWith("error: No OSTree repository at");
    Run exists = cli("checkout", "--repo=" + repo, "t", co.toString());
    assertThat(exists.code()).isNotZero();
    assertThat(exists.err().lines().count()).isEqualTo(1);
    Run badFlag = cli("commit", "--repo=" + repo, "--bogus");
    assertThat(badFlag.code()).isEqualTo(2);
    assertThat(badFlag.err()).startsWith("error: ");
    Run noBranch = cli("commit", "--repo=" + repo, "--tree=dir=" + tmp.resolve("tree"));
    assertThat(noBranch.err()).contains("--branch");
  }

  @Test
  void coreCommandsRegisteredByNameMatchTheirAnnotations() {
    OstreeCli.CORE.forEach(
        (name, cls) ->
            assertThat(cls.getAnnotation(picocli.CommandLine.Command.class).name())
                .isEqualTo(name));
    assertThat(OstreeCli.subcommandName(new String[] {"--repo", "r", "checkout", "-U"}))
        .isEqualTo("checkout");
    assertThat(OstreeCli.subcommandName(new String[] {"--repo=r", "fsck"})).isEqualTo("fsck");
    assertThat(OstreeCli.subcommandName(new String[] {"--help"})).isNull();
  }

  @Test
  void helpStillListsEveryCommandAndUnknownCommandsAreErrors() {
    String help = ok("--help");
    for (String name : List.of("init", "commit", "checkout", "admin", "pull", "remote")) {
      assertThat(help).contains(name);
    }
    Run r = cli("--repo=" + repo, "no-such-command");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no-such-command");
    assertThat(ok("--repo=" + repo, "refs")).isEmpty();
  }
}
