package dev.treewave.ostree.pull;

import static dev.treewave.ostree.pull.Cli.ostree;
import static dev.treewave.ostree.pull.Cli.repo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.checkout.Checkout;
import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.cli.OstreeCli;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.testing.http.StaticRepoServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the real {@code ostree pull origin os/stable} the repository holds only {@code
 * refs/remotes/origin/os/stable}; libostree's {@code checkout os/stable} resolves the unqualified
 * ref through the remotes when there is no local head. Ours must do the same, in the library and
 * the CLI, and still prefer a local head.
 */
class RemoteRefFallbackIT {
  @TempDir Path tmp;
  StaticRepoServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  record Run(int exit, String out, String err) {}

  private static Run ours(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OstreeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void unqualifiedRefResolvesThroughTheRemoteAfterARealPull() throws Exception {
    OstreeRepo src = OstreeRepo.init(tmp.resolve("served"), RepoMode.ARCHIVE);
    TreeFixture.smallTree(tmp.resolve("tree"), "one");
    ObjectId c1 =
        TreeFixture.commit(src, tmp.resolve("tree"), "os/stable", Optional.empty(), 1_700_000_000L);
    server = StaticRepoServer.start(tmp.resolve("served"), new InetSocketAddress("127.0.0.1", 0));

    Path client = tmp.resolve("client");
    ostree("init", repo(client), "--mode=bare-user").ok();
    ostree("remote", "add", repo(client), "--no-gpg-verify", "origin", server.url()).ok();
    ostree("pull", repo(client), "origin", "os/stable").ok();
    assertThat(Files.exists(client.resolve("refs/heads/os/stable"))).isFalse();

    // the oracle: libostree resolves it
    assertThat(ostree("rev-parse", repo(client), "os/stable").ok().out().strip())
        .isEqualTo(c1.hex());
    Path theirs = tmp.resolve("co-theirs");
    ostree("checkout", repo(client), "-U", "os/stable", theirs.toString()).ok();

    // ours, library
    OstreeRepo repo = OstreeRepo.open(client);
    assertThat(repo.resolveRev("os/stable")).isEqualTo(c1);
    Path lib = tmp.resolve("co-lib");
    new Checkout(repo, CheckoutOptions.user()).checkout("os/stable", lib);
    assertThat(TreeFixture.snapshot(lib)).isEqualTo(TreeFixture.snapshot(theirs));

    // ours, CLI (the plain command line goes through the fast path, the flagged one through
    // picocli)
    Path cli = tmp.resolve("co-cli");
    Run r = ours("--repo=" + client, "checkout", "-U", "os/stable", cli.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(TreeFixture.snapshot(cli)).isEqualTo(TreeFixture.snapshot(theirs));
    Run rp = ours("--repo=" + client, "rev-parse", "os/stable");
    assertThat(rp.exit()).as(rp.err()).isZero();
    assertThat(rp.out().strip()).isEqualTo(c1.hex());

    // a local head of the same name wins, as in libostree
    ObjectId local = ObjectId.sha256(new byte[] {1});
    repo.refs().write("os/stable", local);
    assertThat(repo.resolveRev("os/stable")).isEqualTo(local);
    assertThat(ostree("rev-parse", repo(client), "os/stable").ok().out().strip())
        .isEqualTo(local.hex());
    repo.refs().delete("os/stable");

    // an unknown ref is still refused with the same message, and nothing was written
    Run missing =
        ours("--repo=" + client, "checkout", "-U", "os/nope", tmp.resolve("x").toString());
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("Refspec 'os/nope' not found");
    assertThat(tmp.resolve("x")).doesNotExist();
    assertThat(
            ostree("checkout", repo(client), "-U", "os/nope", tmp.resolve("y").toString()).exit())
        .isNotZero();
    assertThat(repo.refs().list()).containsOnlyKeys("origin:os/stable");
  }
}
