package dev.treewave.ostree.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.CommitResult;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.commit.TreeSource;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Xattrs outside {@code user.}: a file capability, {@code trusted.*} on a symlink and a directory,
 * odd names. The JDK cannot see them; libostree commits them, so we must too, or the checksum
 * differs and ping loses {@code cap_net_raw} on every node booted from the commit.
 */
class XattrNamespacesIT {
  static final long TS = 1577836800L;

  @TempDir Path tmp;
  final OstreeCliRunner ostree = new OstreeCliRunner();
  Path tree;

  @BeforeEach
  void tree() throws Exception {
    // trusted.* needs root; CI and this machine run the tests as root
    assertThat(TreeFixtures.isRoot()).as("this test sets trusted.* xattrs: run as root").isTrue();
    tree = Files.createDirectories(tmp.resolve("tree"));
    Files.createDirectories(tree.resolve("usr/bin"));
    Files.writeString(tree.resolve("usr/bin/ping"), "#!/bin/sh\n");
    Files.writeString(tree.resolve("usr/bin/plain"), "plain\n");
    Files.createSymbolicLink(tree.resolve("bin"), Path.of("usr/bin"));
    Files.createDirectories(tree.resolve("sub"));
    Files.writeString(tree.resolve("sub/new\nline"), "n\n");
    Files.writeString(tree.resolve("sub/empty-value"), "e\n");
    sh("setcap", "cap_net_raw+ep", tree.resolve("usr/bin/ping").toString());
    sh("setfattr", "-h", "-n", "trusted.link", "-v", "l", tree.resolve("bin").toString());
    sh("setfattr", "-n", "trusted.dir", "-v", "0x00ff", tree.resolve("sub").toString());
    sh("setfattr", "-n", "user.we=ird", "-v", "w", tree.resolve("sub").toString());
    sh("setfattr", "-n", "user.k", "-v", "v", tree.resolve("sub/new\nline").toString());
    sh("setfattr", "-n", "user.empty", "-v", "", tree.resolve("sub/empty-value").toString());
  }

  @ParameterizedTest
  @EnumSource(
      value = RepoMode.class,
      names = {"ARCHIVE", "BARE_USER"})
  void everyNamespaceIsCommittedLikeOstree(RepoMode mode) throws Exception {
    Path theirs = tmp.resolve("theirs");
    String theirId =
        ostree.initAndCommit(
            tmp, theirs, mode.configName(), "b", "dir=" + tree, "2020-01-01 00:00:00 UTC", "s");

    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), mode);
    CommitResult r = commit(ours);

    assertThat(r.warnings()).isEmpty();
    assertThat(r.commit().hex()).isEqualTo(theirId);
    assertThat(TreeFixtures.describeObjects(ours.path()))
        .containsExactlyElementsOf(TreeFixtures.describeObjects(theirs));
    assertThat(xattrNames(ours, r.commit(), "usr", "bin", "ping"))
        .containsExactly("security.capability");
    assertThat(xattrNames(ours, r.commit(), "bin")).containsExactly("trusted.link");
  }

  @Test
  void withoutGetfattrOnlyUserXattrsAreCommittedAndTheResultSaysSo() throws Exception {
    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.ARCHIVE);
    CommitResult r;
    System.setProperty("treewave.getfattr", tmp.resolve("no-such-getfattr").toString());
    try {
      r = commit(ours);
    } finally {
      System.clearProperty("treewave.getfattr");
    }
    assertThat(r.warnings())
        .singleElement()
        .asString()
        .contains("getfattr", "only user.* xattrs", tree.toString());
    assertThat(xattrNames(ours, r.commit(), "usr", "bin", "ping")).isEmpty();
  }

  @Test
  void aBareRepositoryRefusesXattrsItCannotSetAndKeepsNoRef() throws Exception {
    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.BARE);
    assertThatThrownBy(() -> commit(ours))
        .isInstanceOf(OstreeException.class)
        .hasMessageContaining("supported by this implementation");
    assertThat(ours.refs().read("b")).isEmpty();
  }

  private CommitResult commit(OstreeRepo repo) {
    return new TreeCommitter(
            repo,
            CommitOptions.builder()
                .branch("b")
                .subject("s")
                .timestamp(TS)
                .tree(new TreeSource.Dir(tree))
                .build())
        .commit();
  }

  /** The xattr names stored for the file or symlink at {@code path} in the commit. */
  private static List<String> xattrNames(OstreeRepo repo, ObjectId commit, String... path)
      throws java.io.IOException {
    ObjectId dir = repo.readCommit(commit).rootTree();
    for (int i = 0; i < path.length - 1; i++) {
      String name = path[i];
      dir =
          repo.readDirTree(dir).dirs().stream()
              .filter(d -> d.name().equals(name))
              .findFirst()
              .orElseThrow()
              .treeChecksum();
    }
    String leaf = path[path.length - 1];
    DirTree.FileEntry f =
        repo.readDirTree(dir).files().stream()
            .filter(e -> e.name().equals(leaf))
            .findFirst()
            .orElseThrow();
    try (ContentObject c = repo.openContent(f.checksum())) {
      return c.header().xattrs().stream().map(Xattr::name).toList();
    }
  }

  private static void sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
  }
}
