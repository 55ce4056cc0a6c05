package dev.treewave.ostree.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.checkout.Checkout;
import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.CommitResult;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.commit.TreeSource;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Same inputs, same bytes: our commits against {@code ostree commit}, in both directions. */
class CommitInteropIT {
  static final String TS = "2020-01-01 00:00:00 UTC";
  static final long TS_EPOCH = 1577836800L;

  @TempDir Path tmp;
  final OstreeCliRunner ostree = new OstreeCliRunner();

  private CommitResult ourCommit(OstreeRepo repo, Path tree, String branch) {
    return new TreeCommitter(
            repo,
            CommitOptions.builder()
                .branch(branch)
                .subject("Subject")
                .body("Body\n\nmore")
                .timestamp(TS_EPOCH)
                .addMetadataString("version", "1.2")
                .addMetadataString("ostree.source-title", "test tree")
                .addMetadata("n", new GVariant.I64(-2))
                .tree(new TreeSource.Dir(tree))
                .build())
        .commit();
  }

  private String theirCommit(Path repo, Path tree, String branch) throws Exception {
    return ostree
        .ok(
            tmp,
            "commit",
            "--repo=" + repo,
            "-b",
            branch,
            "--tree=dir=" + tree,
            "--timestamp=" + TS,
            "-s",
            "Subject",
            "-m",
            "Body\n\nmore",
            "--add-metadata-string=version=1.2",
            "--add-metadata-string=ostree.source-title=test tree",
            "--add-metadata=n=int64 -2")
        .strip();
  }

  @ParameterizedTest
  @EnumSource(RepoMode.class)
  void sameTreeGivesTheSameCommitAndIdenticalObjectFiles(RepoMode mode) throws Exception {
    if (mode == RepoMode.BARE && !TreeFixtures.isRoot()) {
      return; // bare stores real ownership: root only (CI and this machine run as root)
    }
    Path tree = TreeFixtures.richTree(tmp.resolve("tree"));
    Path theirs = tmp.resolve("theirs");
    ostree.ok(tmp, "init", "--repo=" + theirs, "--mode=" + mode.configName());
    String theirId = theirCommit(theirs, tree, "os/test");

    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), mode);
    CommitResult r = ourCommit(ours, tree, "os/test");

    assertThat(r.commit().hex()).isEqualTo(theirId);
    assertThat(TreeFixtures.describeObjects(ours.path()))
        .containsExactlyElementsOf(TreeFixtures.describeObjects(theirs));
    assertThat(Files.readString(ours.path().resolve("refs/heads/os/test")))
        .isEqualTo(theirId + "\n");
    assertThat(Files.readString(ours.path().resolve("config")))
        .isEqualTo(Files.readString(theirs.resolve("config")));
  }

  @Test
  void reCommitOfAnUnchangedTreeWritesOnlyTheCommitAndSkipIfUnchangedWritesNothing()
      throws Exception {
    Path tree = TreeFixtures.richTree(tmp.resolve("tree"));
    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.ARCHIVE);
    CommitResult first = ourCommit(ours, tree, "b");
    CommitResult second =
        new TreeCommitter(
                ours, CommitOptions.builder().branch("b").subject("again").tree(tree).build())
            .commit();
    assertThat(second.created()).isTrue();
    assertThat(second.objectsWritten()).isEqualTo(1); // the commit object only
    assertThat(ours.readCommit(second.commit()).parent()).contains(first.commit());

    CommitResult skipped =
        new TreeCommitter(
                ours, CommitOptions.builder().branch("b").skipIfUnchanged(true).tree(tree).build())
            .commit();
    assertThat(skipped.created()).isFalse();
    assertThat(skipped.commit()).isEqualTo(second.commit());
    assertThat(ours.resolveRev("b")).isEqualTo(second.commit());
  }

  @Test
  void realOstreeReadsAndVerifiesOurRepository() throws Exception {
    Path tree = TreeFixtures.richTree(tmp.resolve("tree"));
    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.ARCHIVE);
    ObjectId id = ourCommit(ours, tree, "os/test").commit();
    String repoArg = "--repo=" + ours.path();

    assertThat(ostree.ok(tmp, "fsck", repoArg))
        .contains("object fsck of 1 commits completed successfully - no errors found.");
    assertThat(ostree.ok(tmp, "rev-parse", repoArg, "os/test").strip()).isEqualTo(id.hex());
    String show = ostree.ok(tmp, "show", repoArg, "os/test");
    assertThat(show)
        .startsWith("commit " + id.hex())
        .contains("Date:  2020-01-01 00:00:00 +0000")
        .contains("Version: 1.2")
        .contains("    Subject");
    assertThat(ostree.ok(tmp, "log", repoArg, "os/test")).isEqualTo(show);
    assertThat(ostree.ok(tmp, "cat", repoArg, "os/test", "/hello.txt")).isEqualTo("hello\n");
    String ls = ostree.ok(tmp, "ls", repoArg, "-R", "os/test");
    assertThat(ls)
        .contains("-04755 0 0     13 /usr/bin/suid")
        .contains("l00777 0 0      0 /link -> hello.txt");

    Path co = tmp.resolve("co");
    ostree.ok(tmp, "checkout", repoArg, "os/test", co.toString());
    boolean root = TreeFixtures.isRoot();
    assertThat(TreeFixtures.describe(co, root, root))
        .containsExactlyElementsOf(TreeFixtures.describe(tree, root, root));
  }

  @ParameterizedTest
  @EnumSource(RepoMode.class)
  void ourFsckAndCheckoutReproduceTreesWrittenByOstree(RepoMode mode) throws Exception {
    boolean root = TreeFixtures.isRoot();
    if (mode == RepoMode.BARE && !root) {
      return; // bare needs root for ownership; CI and this machine run as root
    }
    Path tree = TreeFixtures.richTree(tmp.resolve("tree"));
    if (mode == RepoMode.BARE_USER_ONLY) {
      // bare-user-only keeps neither ownership nor setuid: commit a tree it can represent.
      Files.delete(tree.resolve("usr/bin/suid"));
      FileAttributes.chmod(tree.resolve("var/tmp"), 0755);
    }
    Path theirs = tmp.resolve("theirs");
    ostree.ok(tmp, "init", "--repo=" + theirs, "--mode=" + mode.configName());
    String id =
        ostree
            .ok(tmp, "commit", "--repo=" + theirs, "-b", "t", "--tree=dir=" + tree, "-s", "x")
            .strip();

    OstreeRepo repo = OstreeRepo.open(theirs);
    var report = new dev.treewave.ostree.fsck.Fsck(repo).run();
    assertThat(report.errors()).isEmpty();
    assertThat(report.commits()).isEqualTo(1);

    for (boolean user : new boolean[] {true, false}) {
      if (!user && !root) {
        continue;
      }
      if (!user && mode == RepoMode.BARE_USER_ONLY) {
        continue;
      }
      Path ourCo = tmp.resolve("ours-" + user);
      Path theirCo = tmp.resolve("theirs-" + user);
      new Checkout(repo, new CheckoutOptions(user, "/", false, false)).checkout(id, ourCo);
      if (user) {
        ostree.ok(tmp, "checkout", "--repo=" + theirs, "-U", id, theirCo.toString());
      } else {
        ostree.ok(tmp, "checkout", "--repo=" + theirs, id, theirCo.toString());
      }
      assertThat(TreeFixtures.describe(ourCo, true, true))
          .as("checkout user=%s from %s", user, mode)
          .containsExactlyElementsOf(TreeFixtures.describe(theirCo, true, true));
      if (!user && mode != RepoMode.BARE_USER_ONLY) {
        assertThat(TreeFixtures.describe(ourCo, true, true))
            .containsExactlyElementsOf(TreeFixtures.describe(tree, true, true));
      }
      if (mode == RepoMode.ARCHIVE) {
        // ostree checkout -U from an archive fills the repository's uncompressed-objects-cache and
        // links from there; ours writes plain copies and leaves the repository as it was.
        continue;
      }
      // Both link the same objects (bare: symlinks too) and copy the same ones (zero-sized files;
      // everything from bare in user mode), so every entry has the same link count.
      var ourLinks = linkCounts(ourCo);
      var theirLinks = linkCounts(theirCo);
      assertThat(ourLinks.keySet()).isEqualTo(theirLinks.keySet());
      assertThat(
              ourLinks.keySet().stream()
                  .filter(k -> !ourLinks.get(k).equals(theirLinks.get(k)))
                  .map(k -> k + ": ours " + ourLinks.get(k) + ", theirs " + theirLinks.get(k)))
          .as("link counts differ, user=%s from %s", user, mode)
          .isEmpty();
    }
  }

  /** Relative path to link count of every file and symlink under {@code root}. */
  private static java.util.Map<String, Integer> linkCounts(Path root) throws java.io.IOException {
    java.util.Map<String, Integer> out = new java.util.TreeMap<>();
    try (var s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          out.put(
              root.relativize(p).toString(),
              dev.treewave.ostree.repo.FileAttributes.stat(p).nlink());
        }
      }
    }
    return out;
  }

  @Test
  void hardlinkCheckoutFromBareUserSharesInodesWithTheObjects() throws Exception {
    Path tree = TreeFixtures.richTree(tmp.resolve("tree"));
    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.BARE_USER);
    ObjectId id = ourCommit(ours, tree, "t").commit();
    Path co = tmp.resolve("co");
    new Checkout(ours, CheckoutOptions.user().withRequireHardlinks(true)).checkout(id, co);
    assertThat(dev.treewave.ostree.repo.FileAttributes.stat(co.resolve("hello.txt")).nlink())
        .isGreaterThanOrEqualTo(2);
    assertThat(Files.isSymbolicLink(co.resolve("link"))).isTrue();
    assertThat(Files.readString(co.resolve("hello.txt"))).isEqualTo("hello\n");

    Path sub = tmp.resolve("sub");
    new Checkout(ours, CheckoutOptions.user().withSubpath("/usr/bin")).checkout(id, sub);
    assertThat(sub.resolve("tool")).hasContent("#!/bin/sh\necho hi");
    assertThat(sub.resolve("suid")).exists();
    assertThat(dev.treewave.ostree.repo.FileAttributes.stat(sub.resolve("suid")).mode() & 07777)
        .isEqualTo(0755);

    // --union over an existing checkout replaces files in place
    Files.writeString(co.resolve("hello.txt.extra"), "kept");
    new Checkout(ours, CheckoutOptions.user().withUnion(true)).checkout(id, co);
    assertThat(co.resolve("hello.txt.extra")).hasContent("kept");
    assertThat(co.resolve("hello.txt")).hasContent("hello");
  }

  @Test
  void tarballsCommitLikeOstree() throws Exception {
    Path tree = TreeFixtures.richTree(tmp.resolve("tree"));
    Path tar = tmp.resolve("tree.tar.gz");
    Processes.check(
        new ProcessBuilder("tar", "--xattrs", "-C", tree.toString(), "-czf", tar.toString(), "."),
        Duration.ofMinutes(2));
    Path theirs = tmp.resolve("theirs");
    String theirId = ostree.initAndCommit(tmp, theirs, "archive", "t", "tar=" + tar, TS, "tar");
    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.ARCHIVE);
    CommitResult r =
        new TreeCommitter(
                ours,
                CommitOptions.builder()
                    .branch("t")
                    .subject("tar")
                    .timestamp(TS_EPOCH)
                    .tree(new TreeSource.Tar(tar))
                    .build())
            .commit();
    assertThat(r.commit().hex()).isEqualTo(theirId);
  }

  @Test
  void overlayedTreesAndCanonicalPermissionsMatchOstree() throws Exception {
    Path tree = TreeFixtures.richTree(tmp.resolve("tree"));
    Path overlay = tmp.resolve("overlay");
    Files.createDirectories(overlay.resolve("usr/bin"));
    TreeFixtures.write(overlay.resolve("usr/bin/tool"), "replaced", 0700);
    TreeFixtures.write(overlay.resolve("new"), "new", 0640);
    Path theirs = tmp.resolve("theirs");
    ostree.ok(tmp, "init", "--repo=" + theirs, "--mode=archive");
    ostree.ok(
        tmp, "commit", "--repo=" + theirs, "-b", "base", "--tree=dir=" + tree, "--timestamp=" + TS);
    String theirId =
        ostree
            .ok(
                tmp,
                "commit",
                "--repo=" + theirs,
                "--orphan",
                "--tree=ref=base",
                "--tree=dir=" + overlay,
                "--canonical-permissions",
                "--timestamp=" + TS)
            .strip();
    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.ARCHIVE);
    new TreeCommitter(
            ours, CommitOptions.builder().branch("base").timestamp(TS_EPOCH).tree(tree).build())
        .commit();
    CommitResult r =
        new TreeCommitter(
                ours,
                CommitOptions.builder()
                    .noParent()
                    .timestamp(TS_EPOCH)
                    .canonicalPermissions(true)
                    .tree(new TreeSource.Ref("base"))
                    .tree(new TreeSource.Dir(overlay))
                    .build())
            .commit();
    assertThat(r.commit().hex()).isEqualTo(theirId);
    assertThat(ours.refs().list()).containsOnlyKeys("base");
  }

  static final class FileAttributes {
    static void chmod(Path p, int mode) throws java.io.IOException {
      dev.treewave.ostree.repo.FileAttributes.chmod(p, mode);
    }
  }

  static List<String> lines(String s) {
    return s.lines().toList();
  }
}
