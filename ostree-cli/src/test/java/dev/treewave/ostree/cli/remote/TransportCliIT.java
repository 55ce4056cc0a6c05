package dev.treewave.ostree.cli.remote;

import static dev.treewave.ostree.pull.Cli.ostree;
import static dev.treewave.ostree.pull.Cli.repo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.pull.RepoReader;
import dev.treewave.ostree.pull.TreeFixture;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The transport subcommands, cross-checked with the real ostree on the same repositories. */
class TransportCliIT {
  @TempDir Path tmp;

  /** A stand-in root with the same inherited --repo option as treewave-ostree. */
  @Command(name = "t")
  static final class Root implements Runnable {
    @Option(names = "--repo", scope = ScopeType.INHERIT)
    Path repo;

    @Override
    public void run() {}
  }

  record Out(int code, String out, String err) {}

  static Out cli(String... args) {
    CommandLine cl = new CommandLine(new Root());
    RemoteCommands.register(cl);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler(
        (e, c, p) -> {
          err.write("error: " + e.getMessage());
          return 1;
        });
    int code = cl.execute(args);
    return new Out(code, out.toString(), err.toString());
  }

  static Out ok(String... args) {
    Out o = cli(args);
    assertThat(o.code()).as(o.err()).isZero();
    return o;
  }

  @Test
  void remotesSummaryDeltasPullAndSignRoundTrip() throws Exception {
    OstreeRepo src = OstreeRepo.init(tmp.resolve("src"), RepoMode.ARCHIVE);
    TreeFixture.smallTree(tmp.resolve("t"), "cli");
    ObjectId c1 = TreeFixture.commit(src, tmp.resolve("t"), "os/stable", Optional.empty(), 100L);
    Files.writeString(tmp.resolve("t/etc/hostname"), "next\n");
    ObjectId c2 = TreeFixture.commit(src, tmp.resolve("t"), "os/stable", Optional.of(c1), 200L);
    String r = "--repo=" + src.path();

    ok(r, "static-delta", "generate", "--from=" + c1.hex(), "--to=" + c2.hex());
    ok(r, "static-delta", "generate", "--empty", "--to=" + c1.hex(), "--inline");
    assertThat(ok(r, "static-delta", "list").out())
        .contains(c1.hex() + "-" + c2.hex())
        .contains(c1.hex() + "\n");
    assertThat(ok(r, "static-delta", "show", c1.hex() + "-" + c2.hex()).out())
        .contains("Endianness: little");
    // the real ostree reads our superblocks
    assertThat(ostree("static-delta", "list", repo(src.path())).ok().out())
        .contains(c1.hex() + "-" + c2.hex());
    assertThat(
            ostree("static-delta", "show", repo(src.path()), c1.hex() + "-" + c2.hex()).ok().out())
        .contains("Number of parts: 1")
        .contains("Endianness: little");
    // real ostree applies our inline scratch delta (its own `show` cannot read inline deltas)
    Path theirs = tmp.resolve("theirs");
    ostree("init", repo(theirs), "--mode=bare-user").ok();
    ostree(
            "static-delta",
            "apply-offline",
            repo(theirs),
            src.path()
                .resolve(dev.treewave.ostree.delta.DeltaName.scratch(c1).superblockPath())
                .toString())
        .ok();
    ostree("fsck", repo(theirs)).ok();
    assertThat(ostree("ls", repo(theirs), "-R", c1.hex()).ok().out())
        .contains("/usr/bin/link -> tool");

    byte[] seed = new byte[32];
    seed[1] = 1;
    String secret = Ed25519Keys.secretKeyString(seed);
    String pub = Ed25519Keys.publicKeyString(Ed25519Keys.publicFromSeed(seed));
    ok(r, "summary", "-u", "--sign=" + secret);
    String view = ostree("summary", repo(src.path()), "-v").ok().out();
    assertThat(view)
        .contains("* os/stable")
        .contains(c2.hex())
        .contains("ostree.static-deltas")
        .contains("v200");
    assertThat(ok(r, "summary", "-v").out()).contains(c2.hex()).contains("Static Deltas");

    ok(r, "sign", c2.hex(), secret);
    assertThat(ok(r, "sign", "--verify", c2.hex(), pub).out()).contains("verified successfully");
    assertThat(
            cli(
                    r,
                    "sign",
                    "--verify",
                    c2.hex(),
                    Ed25519Keys.publicKeyString(Ed25519Keys.publicFromSeed(new byte[32])))
                .code())
        .isNotZero();

    OstreeRepo dst = OstreeRepo.init(tmp.resolve("dst"), RepoMode.BARE_USER);
    String d = "--repo=" + dst.path();
    ok(
        d,
        "remote",
        "add",
        "--set=gpg-verify=false",
        "--set=sign-verify=true",
        "--set=verification-ed25519-key=" + pub,
        "origin",
        "file://" + src.path());
    ok(d, "remote", "add", "--no-gpg-verify", "other", "http://127.0.0.1:1/");
    assertThat(ok(d, "remote", "list").out()).isEqualTo("origin\nother\n");
    // the real ostree reads the config we wrote
    assertThat(ostree("remote", "list", repo(dst.path()), "-u").ok().out())
        .contains("origin")
        .contains("other");
    ok(d, "remote", "delete", "other");
    assertThat(ostree("remote", "list", repo(dst.path())).ok().out().strip()).isEqualTo("origin");
    assertThat(ok(d, "remote", "refs", "origin").out().strip()).isEqualTo("origin:os/stable");

    // c1 unsigned: with sign-verify the pull of c1 must fail, and no ref moves
    Out refused = cli(d, "pull", "--quiet", "origin", "os/stable@" + c1.hex());
    assertThat(refused.code()).isNotZero();
    assertThat(refused.err()).contains("no signatures found");
    assertThat(dst.refs().list()).isEmpty();

    ok(d, "pull", "--quiet", "origin", "os/stable");
    assertThat(dst.refs().read("origin:os/stable")).contains(c2);
    ostree("fsck", repo(dst.path())).ok();
    assertThat(RepoReader.snapshot(dst, c2)).isEqualTo(RepoReader.snapshot(src, c2));

    // pull-local from the real ostree's own copy and apply-offline of our scratch delta
    OstreeRepo local = OstreeRepo.init(tmp.resolve("local"), RepoMode.ARCHIVE);
    ok("--repo=" + local.path(), "pull-local", dst.path().toString(), c2.hex());
    assertThat(RepoReader.snapshot(local, c2)).isEqualTo(RepoReader.snapshot(src, c2));
    OstreeRepo offline = OstreeRepo.init(tmp.resolve("offline"), RepoMode.BARE_USER);
    Path sb = src.path().resolve(dev.treewave.ostree.delta.DeltaName.scratch(c1).superblockPath());
    assertThat(
            ok("--repo=" + offline.path(), "static-delta", "apply-offline", sb.toString())
                .out()
                .strip())
        .isEqualTo(c1.hex());
    ostree("fsck", repo(offline.path())).ok();
  }
}
