package dev.treewave.ostree.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.checkout.Checkout;
import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.CommitResult;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.fsck.Fsck;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The realistic case: a Debian minbase tree (debootstrap, cached by ostree/bench/fixture.sh; a
 * generated 22,000-file tree if the mirror is unreachable). Both tools must produce the same
 * commit, each must verify the other's repository, and checkouts must reproduce the tree.
 */
class BigTreeIT {
  @TempDir Path tmp;
  final OstreeCliRunner ostree = new OstreeCliRunner();

  static Path fixture() throws Exception {
    Path script = Path.of(System.getProperty("user.dir")).resolve("bench/fixture.sh");
    // stderr stays on the console: the first run downloads and builds for many minutes.
    Processes.Result r =
        Processes.check(
            new ProcessBuilder("bash", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT),
            Duration.ofMinutes(60));
    return Path.of(r.stdout().strip());
  }

  @Test
  void debianMinbaseCommitsIdenticallyAndChecksOutExactly() throws Exception {
    Path tree = fixture();
    Path theirs = tmp.resolve("theirs");
    String theirId =
        ostree.initAndCommit(
            tmp, theirs, "bare-user", "os", "dir=" + tree, "2020-01-01 00:00:00 UTC", "minbase");

    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.BARE_USER);
    CommitResult r =
        new TreeCommitter(
                ours,
                CommitOptions.builder()
                    .branch("os")
                    .subject("minbase")
                    .timestamp(1577836800L)
                    .tree(tree)
                    .build())
            .commit();
    assertThat(r.commit().hex()).isEqualTo(theirId);
    assertThat(r.filesScanned()).isGreaterThan(1000);

    assertThat(ostree.ok(tmp, "fsck", "--repo=" + ours.path())).contains("no errors found");
    assertThat(new Fsck(OstreeRepo.open(theirs)).run().errors()).isEmpty();

    Path ourCo = tmp.resolve("ours-co");
    Path theirCo = tmp.resolve("theirs-co");
    new Checkout(OstreeRepo.open(theirs), CheckoutOptions.user()).checkout(theirId, ourCo);
    ostree.ok(tmp, "checkout", "--repo=" + ours.path(), "-U", theirId, theirCo.toString());
    assertThat(TreeFixtures.describe(ourCo, false, false))
        .containsExactlyElementsOf(TreeFixtures.describe(theirCo, false, false));
    assertThat(
            Files.isSymbolicLink(ourCo.resolve("bin")) || Files.isDirectory(ourCo.resolve("bin")))
        .isTrue();
  }
}
