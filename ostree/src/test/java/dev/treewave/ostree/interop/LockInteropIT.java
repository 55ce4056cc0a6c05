package dev.treewave.ostree.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.repo.Transaction;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our repository lock and libostree 2022.7's exclude each other. libostree takes open-file-
 * description fcntl locks (F_OFD_SETLK) on {@code REPO/.lock}; Java's FileChannel locks are classic
 * fcntl record locks on the same file, and Linux makes the two kinds conflict. With {@code
 * lock-timeout-secs=0} ostree fails at once instead of waiting, so no timing is involved.
 */
class LockInteropIT {
  @TempDir Path tmp;
  final OstreeCliRunner ostree = new OstreeCliRunner();

  @Test
  void ostreeCannotWriteWhileWePruneNorPruneWhileWeWrite() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("t"));
    Files.writeString(tree.resolve("a"), "a");
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.ARCHIVE);
    ostree.ok(tmp, "config", "--repo=" + repo.path(), "set", "core.lock-timeout-secs", "0");
    repo = OstreeRepo.open(repo.path());
    new TreeCommitter(repo, CommitOptions.builder().branch("x").tree(tree).build()).commit();
    String repoArg = "--repo=" + repo.path();

    // We hold it exclusively (as prune does): ostree's commit (a shared lock) is refused.
    OstreeCliRunner.Result blocked =
        repo.withExclusiveLock(
            () -> {
              try {
                return ostree.run(tmp, "commit", repoArg, "-b", "y", "--tree=dir=" + tree);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(blocked.exitCode()).as(blocked.stdout()).isNotZero();
    assertThat(blocked.stderr()).containsIgnoringCase("lock");
    assertThat(repo.refs().read("y")).isEmpty();

    // We hold it shared (an open transaction): ostree's prune (exclusive) is refused...
    try (Transaction tx = repo.beginTransaction()) {
      OstreeCliRunner.Result prune = ostree.run(tmp, "prune", repoArg, "--refs-only");
      assertThat(prune.exitCode()).isNotZero();
      assertThat(prune.stderr()).containsIgnoringCase("lock");
      // ...but its commit (shared as well) goes through.
      assertThat(ostree.run(tmp, "commit", repoArg, "-b", "z", "--tree=dir=" + tree).exitCode())
          .isZero();
    }
    // Released: both work again.
    assertThat(ostree.run(tmp, "prune", repoArg, "--refs-only").exitCode()).isZero();
    assertThat(ostree.run(tmp, "commit", repoArg, "-b", "y", "--tree=dir=" + tree).exitCode())
        .isZero();
  }
}
