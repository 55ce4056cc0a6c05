package dev.treewave.ostree.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.checkout.Checkout;
import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.cli.OstreeCli;
import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.fsck.Fsck;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.repo.Transaction;
import dev.treewave.ostree.repo.TreeRemoval;
import dev.treewave.testing.http.StaticRepoServer;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory chain 10,000 deep is a valid commit: the real ostree pulls, fscks and checks it out
 * (through directory descriptors, so paths beyond PATH_MAX are no problem for it). Ours must do the
 * same without overflowing the Java stack (fsck, ls -R, diff, checkout), and a checkout that cannot
 * finish must leave nothing behind.
 */
class DeepTreeIT {
  @TempDir Path tmp;

  /** JUnit's own removal walks whole paths (slowly, then failing past PATH_MAX): go first. */
  @AfterEach
  void removeDeepTrees() throws Exception {
    TreeRemoval.deleteContents(tmp);
  }

  /** Commit of {@code d/d/.../d/f}, {@code depth} directories deep, built object by object. */
  static ObjectId deepCommit(OstreeRepo repo, int depth, String ref) {
    return deepCommit(repo, depth, ref, "d", "leaf\n");
  }

  static ObjectId deepCommit(OstreeRepo repo, int depth, String ref, String name) {
    return deepCommit(repo, depth, ref, name, "leaf\n");
  }

  static ObjectId deepCommit(OstreeRepo repo, int depth, String ref, String name, String text) {
    byte[] leaf = text.getBytes(StandardCharsets.UTF_8);
    ObjectId file =
        repo.writeContent(
            FileHeader.regular(0, 0, 0644, List.of()), new ByteArrayInputStream(leaf), leaf.length);
    ObjectId meta =
        repo.writeMetadata(
            ObjectType.DIR_META, DirMeta.directory(0, 0, 0755, List.of()).serialize());
    ObjectId tree =
        repo.writeMetadata(
            ObjectType.DIR_TREE,
            DirTree.of(List.of(new DirTree.FileEntry("f", file)), List.of()).serialize());
    try (Transaction tx = repo.beginTransaction()) { // one sync for the whole chain
      for (int i = 0; i < depth; i++) {
        tree =
            tx.writeMetadata(
                ObjectType.DIR_TREE,
                DirTree.of(List.of(), List.of(new DirTree.DirEntry(name, tree, meta))).serialize());
      }
      tx.commit();
    }
    Commit c = new Commit(Map.of(), Optional.empty(), "deep", "", 1_700_000_000L, tree, meta);
    ObjectId id = repo.writeMetadata(ObjectType.COMMIT, c.serialize());
    repo.refs().write(ref, id);
    return id;
  }

  private static String ours(String... args) {
    return OstreeCli.runChecked(args);
  }

  @Test
  void aTenThousandDeepChainNeverOverflowsAndAFailedCheckoutLeavesNothing() throws Exception {
    OstreeCliRunner ostree = new OstreeCliRunner();
    OstreeRepo served = OstreeRepo.init(tmp.resolve("served"), RepoMode.ARCHIVE);
    ObjectId commit = deepCommit(served, 10_000, "deep");
    deepCommit(served, 10_000, "deep2", "d", "changed leaf\n");
    try (StaticRepoServer server =
        StaticRepoServer.start(tmp.resolve("served"), new InetSocketAddress("127.0.0.1", 0))) {
      Path client = tmp.resolve("client");
      ostree.ok(tmp, "init", "--repo=" + client, "--mode=bare-user");
      ostree.ok(tmp, "remote", "add", "--repo=" + client, "--no-gpg-verify", "o", server.url());
      ostree.ok(tmp, "pull", "--repo=" + client, "o", "deep", "deep2");
      // our pull walks it too
      Path mine = tmp.resolve("mine");
      OstreeRepo.init(mine, RepoMode.BARE_USER);
      ours("--repo=" + mine, "remote", "add", "--no-gpg-verify", "o", server.url());
      ours("--repo=" + mine, "pull", "o", "deep");
      assertThat(new Fsck(OstreeRepo.open(mine)).run().errors()).isEmpty();
      assertThat(OstreeRepo.open(mine).resolveRev("o:deep")).isEqualTo(commit);
      // the oracle handles it
      ostree.ok(tmp, "fsck", "--repo=" + client);

      OstreeRepo repo = OstreeRepo.open(client);
      assertThat(new Fsck(repo).run().errors()).isEmpty();
      // diff walks all 10,000 levels down to the one changed file, as ostree's does
      String diff = ours("--repo=" + client, "diff", "o:deep", "o:deep2");
      assertThat(diff).startsWith("M    /d/d/").endsWith("/d/f\n").hasLineCount(1);
      assertThat(diff)
          .isEqualTo(
              ostree.sh(
                  tmp,
                  "ulimit -s unlimited && exec ostree diff --repo=" + client + " o:deep o:deep2"));

      // ours checks it out too, through path anchors, identical to ostree's checkout
      String list = "find . -printf '%y %m %s %P\\n' | LC_ALL=C sort | sha256sum";
      Path theirs = tmp.resolve("theirs");
      // libostree's checkout recurses once per directory: with the default 8 MB stack it
      // crashes (SIGSEGV) on this chain, so the oracle runs with an unlimited stack
      ostree.sh(
          tmp,
          "ulimit -s unlimited && exec ostree checkout --repo=" + client + " -U o:deep " + theirs);
      Path target = tmp.resolve("ours");
      new Checkout(repo, CheckoutOptions.user()).checkout("o:deep", target);
      assertThat(ostree.sh(target, list)).isEqualTo(ostree.sh(theirs, list));
      assertThat(ostree.sh(target, "find . -name f -printf '%d'")).isEqualTo("10001");
      TreeRemoval.delete(theirs);
      TreeRemoval.delete(target);
      assertThat(target).doesNotExist();

      // a checkout failing at the bottom (the leaf's object is gone) removes all 10,000 levels
      ObjectId leaf = repo.readDirTree(deepestTree(repo, commit)).files().get(0).checksum();
      Files.delete(repo.objectPath(ObjectType.FILE, leaf));
      assertThatThrownBy(
              () -> new Checkout(repo, CheckoutOptions.user()).checkout("o:deep", target))
          .isInstanceOf(OstreeException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      assertThat(target).doesNotExist();
      // a pre-existing empty target is left empty
      Files.createDirectory(target);
      assertThatThrownBy(
              () -> new Checkout(repo, CheckoutOptions.user()).checkout("o:deep", target))
          .isInstanceOf(OstreeException.class);
      try (var s = Files.list(target)) {
        assertThat(s).isEmpty();
      }
      assertThat(repo.resolveRev("o:deep")).isEqualTo(commit);
    }
  }

  private static ObjectId deepestTree(OstreeRepo repo, ObjectId commit) {
    ObjectId t = repo.readCommit(commit).rootTree();
    while (!repo.readDirTree(t).dirs().isEmpty()) {
      t = repo.readDirTree(t).dirs().get(0).treeChecksum();
    }
    return t;
  }

  @Test
  void beyondTheAnchorBoundACheckoutFailsInOneLineAndLeavesNothing() throws Exception {
    // 600 levels of 255-byte names: 153 KB of path, past the 40 nested anchors the kernel follows
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.BARE_USER);
    deepCommit(repo, 600, "deep", "n".repeat(255));
    Path target = tmp.resolve("co");
    assertThatThrownBy(() -> new Checkout(repo, CheckoutOptions.user()).checkout("deep", target))
        .isInstanceOf(OstreeException.class)
        .hasMessageContaining("Too many levels of symbolic links")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(target).doesNotExist();
  }

  @Test
  void aThousandDeepChainChecksOutLikeOstree() throws Exception {
    OstreeCliRunner ostree = new OstreeCliRunner();
    Path repoDir = tmp.resolve("r");
    ostree.ok(tmp, "init", "--repo=" + repoDir, "--mode=bare-user");
    OstreeRepo repo = OstreeRepo.open(repoDir);
    deepCommit(repo, 1_000, "deep");
    ostree.ok(tmp, "fsck", "--repo=" + repoDir);
    Path theirs = tmp.resolve("t");
    Path mine = tmp.resolve("m");
    ostree.ok(tmp, "checkout", "--repo=" + repoDir, "-U", "deep", theirs.toString());
    new Checkout(repo, CheckoutOptions.user()).checkout("deep", mine);
    String list = "find . -printf '%y %m %s %P\\n' | LC_ALL=C sort";
    String a = ostree.sh(theirs, list);
    assertThat(a.lines().count()).isEqualTo(1_000 + 2);
    assertThat(ostree.sh(mine, list)).isEqualTo(a);
    // ls -R walks it without recursion too, with ostree's output
    assertThat(ours("--repo=" + repoDir, "ls", "-R", "deep"))
        .isEqualTo(ostree.ok(tmp, "ls", "--repo=" + repoDir, "-R", "deep"));
  }
}
