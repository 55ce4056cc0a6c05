package dev.treewave.ostree.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.pull.Cli;
import dev.treewave.ostree.sign.GnuPgHome;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/treewave-ostree} next to the real {@code ostree} 2022.7 (the oracle), as an image
 * builder uses them: every subcommand's {@code --help} (exit 0, and the options that matter named
 * in both), then one table of common command lines run on twin repositories, comparing exit codes
 * and the output a script would read (checksums, ref lists, listings, file contents, messages).
 */
class CliParityIT {
  static final Path LAUNCHER =
      Path.of("..").toAbsolutePath().normalize().resolve("bin/treewave-ostree");

  /** Same time zone and locale on both sides: ostree prints commit dates in local time. */
  static final Map<String, String> ENV = Map.of("TZ", "UTC", "LC_ALL", "C.UTF-8");

  @TempDir Path tmp;

  /** A command and the option names its help must show, in ostree's and in ours. */
  record Help(String command, List<String> options) {}

  static final List<Help> HELP =
      List.of(
          new Help("init", List.of("--mode", "--collection-id")),
          new Help(
              "commit",
              List.of(
                  "-b",
                  "--branch",
                  "-s",
                  "--subject",
                  "-m",
                  "--body",
                  "--tree",
                  "--timestamp",
                  "--add-metadata-string",
                  "--add-metadata",
                  "--parent",
                  "--orphan",
                  "--canonical-permissions",
                  "--owner-uid",
                  "--owner-gid",
                  "--no-xattrs",
                  "--skip-if-unchanged",
                  "--no-bindings",
                  "--generate-sizes",
                  "--statoverride",
                  "--skip-list",
                  "--sign",
                  "--sign-type",
                  "--gpg-sign",
                  "--gpg-homedir")),
          new Help(
              "checkout",
              List.of("-U", "--user-mode", "--subpath", "--union", "-H", "--require-hardlinks")),
          new Help("fsck", List.of("-q", "--quiet")),
          new Help("log", List.of()),
          new Help("show", List.of("--print-metadata-key", "--print-detached-metadata-key")),
          new Help("ls", List.of("-R", "--recursive", "-C", "--checksum", "-X", "--xattrs")),
          new Help("refs", List.of("--create", "--delete")),
          new Help("prune", List.of("--refs-only", "--depth", "--keep-younger-than")),
          new Help("rev-parse", List.of()),
          new Help("cat", List.of()),
          new Help("diff", List.of()),
          new Help("reset", List.of()),
          new Help("summary", List.of("-u", "--update", "--view", "--gpg-sign", "--sign")),
          new Help("static-delta", List.of()),
          new Help("static-delta list", List.of()),
          new Help("static-delta show", List.of()),
          new Help("static-delta generate", List.of("--from", "--to", "--empty", "--inline")),
          new Help("static-delta apply-offline", List.of()),
          new Help("remote", List.of()),
          new Help("remote add", List.of("--if-not-exists", "--no-gpg-verify", "--set")),
          new Help("remote delete", List.of()),
          new Help("remote list", List.of()),
          new Help("remote show-url", List.of()),
          new Help("remote refs", List.of()),
          new Help("remote summary", List.of()),
          new Help("remote gpg-import", List.of()),
          new Help("pull", List.of("--depth", "--mirror")),
          new Help("pull-local", List.of()),
          new Help("gpg-sign", List.of("--gpg-homedir")),
          // (ostree's --keys-file needs its ed25519 feature, which this build of ostree lacks)
          new Help("sign", List.of("--verify", "-s", "--sign-type")),
          new Help("admin", List.of()),
          new Help("admin init-fs", List.of()),
          new Help("admin os-init", List.of("--sysroot")),
          new Help("admin deploy", List.of("--os", "--karg", "--karg-append", "--sysroot")),
          new Help("admin status", List.of("--sysroot")),
          new Help("admin undeploy", List.of("--sysroot")),
          new Help("admin pin", List.of("--unpin")),
          new Help("admin cleanup", List.of("--sysroot")),
          new Help("admin set-origin", List.of("--index")),
          new Help("admin kargs", List.of()),
          new Help("admin kargs edit-in-place", List.of("--append-if-missing")),
          new Help("admin config-diff", List.of("--sysroot")));

  /** Our commands that ostree 2022.7 (as packaged) lacks or hides: help must still work. */
  static final List<String> OURS_ONLY = List.of("trivial-httpd", "admin rollback", "help");

  static Cli.Result ostree(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(RequiredTool.require("ostree", "apt-get install ostree").toString());
    cmd.addAll(args);
    return Cli.run(cmd, ENV);
  }

  static Cli.Result ours(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(LAUNCHER.toString());
    cmd.addAll(args);
    return Cli.run(cmd, ENV);
  }

  static boolean names(String help, String option) {
    return Pattern.compile("(?m)(^|[\\s,\\[])" + Pattern.quote(option) + "([=\\s,\\]]|$)")
        .matcher(help)
        .find();
  }

  @Test
  void everySubcommandAnswersHelpWithTheOptionsOstreeNames() {
    SoftAssertions soft = new SoftAssertions();
    for (Help h : HELP) {
      List<String> words = new ArrayList<>(List.of(h.command().split(" ")));
      words.add("--help");
      Cli.Result theirs = ostree(words);
      Cli.Result mine = ours(words);
      soft.assertThat(theirs.exit()).as("ostree %s --help", h.command()).isZero();
      soft.assertThat(theirs.out()).as("ostree's help").contains("ostree " + h.command() + " [");
      soft.assertThat(mine.exit()).as("ours %s --help: %s", h.command(), mine.err()).isZero();
      soft.assertThat(mine.err()).as("ours %s --help stderr", h.command()).isEmpty();
      soft.assertThat(mine.out()).contains("Usage: treewave-ostree " + h.command());
      for (String o : h.options()) {
        soft.assertThat(names(theirs.out(), o))
            .as("ostree %s --help names %s", h.command(), o)
            .isTrue();
        soft.assertThat(names(mine.out(), o))
            .as("ours %s --help names %s", h.command(), o)
            .isTrue();
      }
    }
    for (String c : OURS_ONLY) {
      List<String> words = new ArrayList<>(List.of(c.split(" ")));
      words.add("-h");
      Cli.Result mine = ours(words);
      soft.assertThat(mine.exit()).as("ours %s -h: %s", c, mine.err()).isZero();
      soft.assertThat(mine.err()).isEmpty();
    }
    // ostree has no help command; ours answers it like CMD --help
    Cli.Result help = ours(List.of("help", "commit"));
    soft.assertThat(help.exit()).isZero();
    soft.assertThat(names(help.out(), "--subject")).isTrue();
    soft.assertAll();
  }

  /** How a row's outputs are compared (exit codes always are). */
  enum Compare {
    /** Exit code only (progress output differs). */
    EXIT,
    /** Exit code and stdout, byte for byte. */
    STDOUT,
    /** Exit code and stdout's lines as a set (ostree lists refs in hash-table order). */
    LINES,
    /** Exit code, and stderr's first line (an error message). */
    ERROR
  }

  /** One command line; {@code {R}} is the side's repository, {@code {D}} a scratch directory. */
  record Row(Compare compare, String... args) {}

  Path tree;

  @BeforeEach
  void tree() throws IOException {
    tree = tmp.resolve("tree");
    Files.createDirectories(tree.resolve("sub"));
    Files.writeString(tree.resolve("hello.txt"), "hello\n");
    Files.writeString(tree.resolve("sub/a"), "A");
    Files.createSymbolicLink(tree.resolve("link"), Path.of("hello.txt"));
  }

  @Test
  void commonInvocationsGiveTheSameExitCodesAndOutput() throws IOException {
    String t1 = "--tree=dir=" + tree;
    Path tree2 = tmp.resolve("tree2");
    Files.createDirectories(tree2.resolve("sub"));
    Files.writeString(tree2.resolve("hello.txt"), "hello, again\n");
    Files.writeString(tree2.resolve("sub/b"), "B");
    String t2 = "--tree=dir=" + tree2;
    List<Row> rows =
        List.of(
            new Row(Compare.STDOUT, "init", "--repo={R}", "--mode=archive"),
            new Row(
                Compare.STDOUT,
                "commit",
                "--repo={R}",
                "-b",
                "os/stable",
                "--subject=First",
                "--body=The first one",
                t1,
                "--timestamp=2024-01-01 00:00:00 UTC",
                "--add-metadata-string=version=1.0"),
            new Row(
                Compare.STDOUT,
                "commit",
                "--repo={R}",
                "--branch=os/stable",
                "-s",
                "Second",
                t2,
                "--timestamp=2024-02-01 12:00:00 UTC",
                "--add-metadata-string=version=1.1"),
            new Row(Compare.LINES, "refs", "--repo={R}"),
            new Row(Compare.STDOUT, "rev-parse", "--repo={R}", "os/stable"),
            new Row(Compare.STDOUT, "rev-parse", "--repo={R}", "os/stable^"),
            new Row(Compare.STDOUT, "log", "--repo={R}", "os/stable"),
            new Row(Compare.STDOUT, "show", "--repo={R}", "os/stable^"),
            new Row(
                Compare.STDOUT, "show", "--repo={R}", "--print-metadata-key=version", "os/stable"),
            new Row(Compare.STDOUT, "ls", "--repo={R}", "os/stable"),
            new Row(Compare.STDOUT, "ls", "--repo={R}", "-R", "-C", "os/stable^"),
            new Row(Compare.STDOUT, "ls", "--repo={R}", "os/stable^", "/sub"),
            new Row(Compare.STDOUT, "cat", "--repo={R}", "os/stable^", "/hello.txt"),
            new Row(Compare.STDOUT, "diff", "--repo={R}", "os/stable^", "os/stable"),
            new Row(Compare.STDOUT, "diff", "--repo={R}", "os/stable"),
            new Row(Compare.STDOUT, "ls", "--repo={R}", "-X", "os/stable"),
            new Row(Compare.STDOUT, "static-delta", "list", "--repo={R}"),
            new Row(Compare.STDOUT, "checkout", "--repo={R}", "-U", "os/stable", "{D}/co"),
            new Row(Compare.STDOUT, "cat", "--repo={R}", "os/stable", "/sub/b"),
            // a ref only under refs/remotes resolves unqualified, as libostree's resolve_rev
            new Row(
                Compare.STDOUT, "refs", "--repo={R}", "--create=origin:remote-only", "os/stable^"),
            new Row(Compare.LINES, "refs", "--repo={R}"),
            new Row(Compare.STDOUT, "rev-parse", "--repo={R}", "remote-only"),
            new Row(Compare.STDOUT, "rev-parse", "--repo={R}", "origin:remote-only"),
            new Row(Compare.STDOUT, "rev-parse", "--repo={R}", "origin/remote-only"),
            new Row(Compare.ERROR, "rev-parse", "--repo={R}", "remote-only^"),
            new Row(Compare.ERROR, "rev-parse", "--repo={R}", "refs/heads/os/stable"),
            new Row(Compare.ERROR, "rev-parse", "--repo={R}", "origin:"),
            new Row(Compare.ERROR, "rev-parse", "--repo={R}", "os//stable"),
            new Row(Compare.STDOUT, "log", "--repo={R}", "remote-only"),
            new Row(Compare.STDOUT, "show", "--repo={R}", "remote-only"),
            new Row(Compare.STDOUT, "ls", "--repo={R}", "-R", "remote-only"),
            new Row(Compare.STDOUT, "cat", "--repo={R}", "remote-only", "/sub/a"),
            new Row(Compare.STDOUT, "diff", "--repo={R}", "remote-only", "os/stable"),
            new Row(Compare.STDOUT, "checkout", "--repo={R}", "-U", "remote-only", "{D}/co-remote"),
            // a throwaway branch, deleted, then pruned
            new Row(
                Compare.EXIT,
                "commit",
                "--repo={R}",
                "-b",
                "scratch",
                "-s",
                "Scratch",
                t1,
                "--timestamp=2024-03-01 00:00:00 UTC"),
            new Row(Compare.STDOUT, "refs", "--repo={R}", "--delete", "scratch"),
            new Row(Compare.STDOUT, "prune", "--repo={R}", "--refs-only"),
            new Row(Compare.EXIT, "summary", "--repo={R}", "-u"),
            new Row(Compare.EXIT, "fsck", "--repo={R}"),
            new Row(Compare.LINES, "refs", "--repo={R}"),
            // errors: exit code 1 and the same message where ostree's is ours
            new Row(Compare.ERROR, "rev-parse", "--repo={R}", "no-such-ref"),
            new Row(Compare.ERROR, "log", "--repo={R}", "no-such-ref"),
            new Row(Compare.EXIT, "checkout", "--repo={R}", "no-such-ref", "{D}/co-none"),
            new Row(Compare.EXIT, "ls", "--repo={R}", "os/stable", "/no/such/path"),
            new Row(Compare.ERROR, "commit", "--repo={R}", "-b", "x", t1, "--no-such-option"),
            new Row(Compare.ERROR, "refs", "--repo={R}", "--bogus"),
            // ostree says "Unknown option --bogus=value"; ours leaves the value out, which may be
            // a secret key (commit --sgin=KEY): only the exit code is compared
            new Row(Compare.EXIT, "refs", "--repo={R}", "--bogus=value"),
            new Row(Compare.ERROR, "no-such-command"),
            new Row(Compare.EXIT, "rev-parse", "--repo={R}"),
            new Row(Compare.EXIT, "refs", "--repo={D}/not-a-repo"),
            new Row(Compare.ERROR, "init", "--repo={D}/bad-mode", "--mode=bogus"),
            new Row(Compare.ERROR, "show", "--repo={R}", "--print-metadata-key=nope", "os/stable"),
            new Row(Compare.ERROR, "reset", "--repo={R}", "os/stable", "no-such-ref"),
            new Row(Compare.ERROR, "commit", "--repo={R}", "-b", "x", "--tree=dir={D}/no-such-dir"),
            new Row(Compare.ERROR, "fsck", "--repo={R}", "--bogus"),
            new Row(Compare.EXIT, "commit", "--repo={R}", t1),
            new Row(Compare.LINES, "refs", "--repo={R}"));

    Path theirRepo = tmp.resolve("theirs/repo");
    Path ourRepo = tmp.resolve("ours/repo");
    Files.createDirectories(theirRepo.getParent());
    Files.createDirectories(ourRepo.getParent());
    SoftAssertions soft = new SoftAssertions();
    int compared = 0;
    for (Row row : rows) {
      Cli.Result theirs = ostree(fill(row, theirRepo));
      Cli.Result mine = ours(fill(row, ourRepo));
      String what = String.join(" ", row.args());
      soft.assertThat(mine.exit())
          .as("exit of %s (ostree: %s; ours: %s)", what, theirs.err(), mine.err())
          .isEqualTo(theirs.exit());
      switch (row.compare()) {
        case STDOUT -> soft.assertThat(mine.out()).as("stdout of %s", what).isEqualTo(theirs.out());
        case LINES ->
            soft.assertThat(mine.out().lines().sorted().toList())
                .as("stdout lines of %s", what)
                .isEqualTo(theirs.out().lines().sorted().toList());
        case ERROR -> {
          soft.assertThat(theirs.exit()).as(what).isEqualTo(1);
          // each side's own directory is named {D}
          soft.assertThat(firstErrorLine(mine.err()).replace(ourRepo.getParent().toString(), "{D}"))
              .as("error of %s", what)
              .isEqualTo(
                  firstErrorLine(theirs.err()).replace(theirRepo.getParent().toString(), "{D}"));
        }
        case EXIT -> {}
      }
      compared++;
    }
    soft.assertThat(compared).isEqualTo(rows.size());
    for (String f : List.of("co/hello.txt", "co/sub/b", "co-remote/hello.txt", "co-remote/link")) {
      soft.assertThat(Files.readString(ourRepo.resolveSibling(f)))
          .as(f)
          .isEqualTo(Files.readString(theirRepo.resolveSibling(f)));
    }
    soft.assertAll();
  }

  /**
   * commit --gpg-sign with a GnuPG home: the real ostree finds a good signature on the commit ours
   * signed, as on the one it signed itself.
   */
  @Test
  void commitGpgSignIsVerifiedByOstree() throws Exception {
    try (GnuPgHome gpg = GnuPgHome.create(tmp.resolve("gnupg"), "Image Builder", "rsa2048")) {
      for (boolean mine : new boolean[] {false, true}) {
        Path repo = tmp.resolve(mine ? "ours" : "theirs");
        List<String> init = List.of("init", "--repo=" + repo, "--mode=archive");
        List<String> commit =
            List.of(
                "commit",
                "--repo=" + repo,
                "-b",
                "os/stable",
                "--tree=dir=" + tree,
                "--timestamp=2024-01-01 00:00:00 UTC",
                "--gpg-sign=" + gpg.fingerprint(),
                "--gpg-homedir=" + gpg.home());
        Cli.Result made = mine ? ours(init) : ostree(init);
        assertThat(made.exit()).as(made.err()).isZero();
        made = mine ? ours(commit) : ostree(commit);
        assertThat(made.exit()).as(made.err()).isZero();
        // ostree show checks a commit's signatures against the keyrings of the remotes
        Path pub = gpg.exportPublicTo(tmp.resolve("pub.gpg"));
        Cli.Result remote =
            ostree(
                List.of(
                    "remote",
                    "add",
                    "--repo=" + repo,
                    "--gpg-import=" + pub,
                    "origin",
                    "http://127.0.0.1:1/"));
        assertThat(remote.exit()).as(remote.err()).isZero();
        Cli.Result shown = ostree(List.of("show", "--repo=" + repo, made.out().strip()));
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).as(mine ? "ours" : "theirs").contains("Good signature");
      }
      // an unknown key id: exit 1 on both, and no ref
      for (boolean mine : new boolean[] {false, true}) {
        Path repo = tmp.resolve(mine ? "ours" : "theirs");
        List<String> bad =
            List.of(
                "commit",
                "--repo=" + repo,
                "-b",
                "other",
                "--tree=dir=" + tree,
                "--gpg-sign=0000000000000000DEAD",
                "--gpg-homedir=" + gpg.home());
        Cli.Result r = mine ? ours(bad) : ostree(bad);
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(ostree(List.of("refs", "--repo=" + repo)).out()).isEqualTo("os/stable\n");
      }
    }
  }

  /** The {@code error: ...} line (ostree prints its usage before some errors). */
  static String firstErrorLine(String err) {
    return err.lines().filter(l -> l.startsWith("error: ")).findFirst().orElse(err);
  }

  static List<String> fill(Row row, Path repo) {
    List<String> out = new ArrayList<>();
    for (String a : row.args()) {
      out.add(a.replace("{R}", repo.toString()).replace("{D}", repo.getParent().toString()));
    }
    return out;
  }
}
