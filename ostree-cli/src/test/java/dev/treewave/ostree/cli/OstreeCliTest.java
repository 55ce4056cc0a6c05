package dev.treewave.ostree.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void runCheckedReturnsTheOutputOrNamesTheFailedCommand() {
    assertThat(OstreeCli.runChecked("refs", "--repo=" + repo)).isEmpty();
    assertThatThrownBy(() -> OstreeCli.runChecked("refs", "--repo=" + tmp.resolve("missing")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("treewave-ostree refs --repo=")
        .hasMessageContaining("exited with 1: error: ");
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
    assertThat(badFlag.code()).isEqualTo(1); // as ostree's "Unknown option --bogus"
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
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("no-such-command");
    assertThat(ok("--repo=" + repo, "refs")).isEmpty();
  }

  /** Every command, nested ones too, by its words after the root ("admin", "status"). */
  static List<List<String>> everyCommand() {
    List<List<String>> all = new java.util.ArrayList<>();
    collect(OstreeCli.commandLine(new String[0]), List.of(), all);
    return all;
  }

  private static void collect(picocli.CommandLine cl, List<String> path, List<List<String>> into) {
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              List<String> p = new java.util.ArrayList<>(path);
              p.add(name);
              into.add(p);
              collect(sub, p, into);
            });
  }

  @Test
  void everyCommandAndSubcommandPrintsItsUsageOnHelpAndExitsZero() {
    List<List<String>> commands = everyCommand();
    assertThat(commands.stream().map(c -> String.join(" ", c)))
        .contains("commit", "admin status", "admin kargs edit-in-place", "static-delta generate")
        .contains("remote add", "summary", "trivial-httpd", "init", "fsck", "refs", "prune");
    for (List<String> c : commands) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new java.util.ArrayList<>(c);
        args.add(flag);
        Run r = cli(args.toArray(String[]::new));
        String what = String.join(" ", args);
        assertThat(r.code()).as("%s: %s", what, r.err()).isZero();
        assertThat(r.err()).as(what).isEmpty(); // no picocli format warnings either
        assertThat(r.out()).as(what).contains("Usage: treewave-ostree " + String.join(" ", c));
      }
    }
    Run help = cli("help", "commit");
    assertThat(help.code()).isZero();
    assertThat(help.out()).startsWith("Usage: treewave-ostree commit").contains("--subject");
    assertThat(ok("help", "admin", "status")).startsWith("Usage: treewave-ostree admin status");
    assertThat(cli("help", "nope").code()).isEqualTo(1);
    assertThat(ok("admin", "--help")).contains("N% free");
    assertThat(ok("commit", "--version")).contains("libostree 2022.7");
  }

  @Test
  void usageErrorsExitOneOnOneLineAsOstree() {
    for (String[] args :
        List.of(
            new String[] {"commit", "--repo=" + repo, "--bogus"},
            new String[] {"no-such-command"},
            new String[] {"remote", "no-such"},
            new String[] {"rev-parse", "--repo=" + repo},
            new String[] {"admin", "status", "--bogus"},
            new String[] {})) {
      Run r = cli(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("error: ").hasLineCount(1);
    }
    assertThat(cli("commit", "--bogus").err()).isEqualTo("error: Unknown option --bogus\n");
    assertThat(cli("nope").err()).isEqualTo("error: Unknown command 'nope'\n");
    assertThat(cli("remote", "nope").err())
        .isEqualTo("error: Unknown \"remote\" subcommand 'nope'\n");
  }

  @Test
  void commitSignsWithEd25519AndNeverEchoesTheSecretKey() throws Exception {
    byte[] seed = new byte[32];
    new java.security.SecureRandom().nextBytes(seed);
    String secret = dev.treewave.ostree.sign.ed25519.Ed25519Keys.secretKeyString(seed);
    String pub =
        dev.treewave.ostree.sign.ed25519.Ed25519Keys.publicKeyString(
            dev.treewave.ostree.sign.ed25519.Ed25519Keys.publicFromSeed(seed));
    Path keys = tmp.resolve("keys");
    byte[] seed2 = new byte[32];
    seed2[0] = 7;
    Files.writeString(
        keys, "# two keys\n" + dev.treewave.ostree.sign.ed25519.Ed25519Keys.secretKeyString(seed2));
    String t = "--tree=dir=" + tmp.resolve("tree");
    String c =
        ok("commit", "--repo=" + repo, "-b", "s", t, "--sign=" + secret, "--sign-type=ed25519")
            .strip();
    assertThat(ok("sign", "--repo=" + repo, "--verify", c, pub)).contains("verified successfully");
    String c2 = ok("commit", "--repo=" + repo, "-b", "s2", t, "--keys-file=" + keys).strip();
    assertThat(
            ok(
                "sign",
                "--repo=" + repo,
                "--verify",
                c2,
                dev.treewave.ostree.sign.ed25519.Ed25519Keys.publicKeyString(
                    dev.treewave.ostree.sign.ed25519.Ed25519Keys.publicFromSeed(seed2))))
        .contains("verified successfully");
    assertThat(cli("sign", "--repo=" + repo, "--verify", c2, pub).code()).isEqualTo(1);

    // refused: a corrupt key (public half altered), the wrong type, a misspelt option, and a
    // key of the wrong length. None prints the key or writes a ref.
    byte[] raw = java.util.Base64.getDecoder().decode(secret);
    raw[40] ^= 1;
    String corrupt = java.util.Base64.getEncoder().encodeToString(raw);
    String shortKey = secret.substring(0, 40);
    List<String[]> refused =
        List.of(
            new String[] {"commit", "--repo=" + repo, "-b", "r", t, "--sign=" + corrupt},
            new String[] {"commit", "--repo=" + repo, "-b", "r", t, "--sign=" + shortKey},
            new String[] {
              "commit", "--repo=" + repo, "-b", "r", t, "--sign=" + secret, "--sign-type=rsa"
            },
            new String[] {"commit", "--repo=" + repo, "-b", "r", t, "--sgn=" + secret},
            new String[] {"commit", "--repo=" + repo, "-b", "r", t, "--sign", secret, "extra"});
    for (String[] args : refused) {
      Run r = cli(args);
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).hasLineCount(1);
      for (String k : List.of(secret, corrupt, shortKey, secret.substring(0, 16))) {
        assertThat(r.err() + r.out()).doesNotContain(k);
      }
    }
    assertThat(ok("refs", "--repo=" + repo)).doesNotContain("r\n");
  }
}
