package dev.treewave.ostree.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.checkout.Checkout;
import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.CommitResult;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.commit.TreeSource;
import dev.treewave.ostree.core.ContentObjects;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.fsck.Fsck;
import dev.treewave.ostree.pull.LocalRepoSource;
import dev.treewave.ostree.pull.PullOptions;
import dev.treewave.ostree.pull.Puller;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.CorruptObjectException;
import dev.treewave.ostree.repo.NativeFs;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.repo.Transaction;
import dev.treewave.ostree.sign.VerificationPolicy;
import dev.treewave.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
      names = {"ARCHIVE", "BARE_USER", "BARE"})
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
    // bare objects carry them as real xattrs, which describeObjects (user.* only) cannot see
    assertThat(xattrDump(ours.path().resolve("objects")))
        .isEqualTo(xattrDump(theirs.resolve("objects")));
    ostree.ok(tmp, "fsck", "--repo=" + ours.path());
  }

  /**
   * The node's system repository is bare: what libostree stored there must read back whole (fsck
   * re-hashes every object with its xattrs), and a root checkout, like a deployment's, must carry
   * every xattr onto the files, directories and symlinks as ostree's own checkout does.
   */
  @Test
  void aBareRepositoryWrittenByOstreeIsReadAndCheckedOutWithEveryXattr() throws Exception {
    Path theirs = tmp.resolve("theirs");
    String id =
        ostree.initAndCommit(
            tmp, theirs, "bare", "b", "dir=" + tree, "2020-01-01 00:00:00 UTC", "s");
    OstreeRepo repo = OstreeRepo.open(theirs);

    assertThat(new Fsck(repo).run().errors()).isEmpty();
    assertThat(xattrNames(repo, ObjectId.parse(id), "usr", "bin", "ping"))
        .containsExactly("security.capability");

    Path ourCheckout = tmp.resolve("ours-co");
    new Checkout(repo, CheckoutOptions.defaults()).checkout(id, ourCheckout);
    Path theirCheckout = tmp.resolve("theirs-co");
    ostree.ok(tmp, "checkout", "--repo=" + theirs, id, theirCheckout.toString());
    assertThat(TreeFixtures.describe(ourCheckout, true, false))
        .isEqualTo(TreeFixtures.describe(theirCheckout, true, false));
    assertThat(xattrDump(ourCheckout)).isEqualTo(xattrDump(theirCheckout)).contains("trusted.dir");
  }

  /** Without native calls those xattrs are invisible: fsck says why the objects do not match. */
  @Test
  void withoutNativeCallsFsckOfABareRepositorySaysWhy() throws Exception {
    Path theirs = tmp.resolve("theirs");
    ostree.initAndCommit(tmp, theirs, "bare", "b", "dir=" + tree, "2020-01-01 00:00:00 UTC", "s");
    System.setProperty(NativeFs.OFF_PROPERTY, "true");
    try {
      assertThat(new Fsck(OstreeRepo.open(theirs)).run().errors())
          .isNotEmpty()
          .allSatisfy(
              e ->
                  assertThat(e)
                      .contains("native file-system calls are switched off")
                      .contains("xattrs outside user.* could not be read"));
    } finally {
      System.clearProperty(NativeFs.OFF_PROPERTY);
    }
  }

  /** A node pulls its OS from an archive repository into its bare one: xattrs must land there. */
  @Test
  void pullingIntoABareRepositorySetsEveryXattr() throws Exception {
    OstreeRepo archive = OstreeRepo.init(tmp.resolve("archive"), RepoMode.ARCHIVE);
    ObjectId id = commit(archive).commit();
    OstreeRepo bare = OstreeRepo.init(tmp.resolve("bare"), RepoMode.BARE);

    new Puller(bare)
        .pull(
            new LocalRepoSource(archive),
            PullOptions.of("", List.of("b"), VerificationPolicy.NONE)
                .withRemoteName(java.util.Optional.empty()));

    assertThat(bare.refs().read("b")).contains(id);
    assertThat(new Fsck(bare).run().errors()).isEmpty();
    ostree.ok(tmp, "fsck", "--repo=" + bare.path());
    Path theirs = tmp.resolve("theirs");
    ostree.initAndCommit(tmp, theirs, "bare", "b", "dir=" + tree, "2020-01-01 00:00:00 UTC", "s");
    assertThat(xattrDump(bare.path().resolve("objects")))
        .isEqualTo(xattrDump(theirs.resolve("objects")));
  }

  /** Objects stored after a first read (once an index, now read one by one) read whole. */
  @Test
  void objectsStoredAfterTheFirstReadAreReadWhole() throws Exception {
    OstreeRepo bare = OstreeRepo.init(tmp.resolve("bare"), RepoMode.BARE);
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(plain.resolve("f"), "f\n");
    new TreeCommitter(
            bare,
            CommitOptions.builder()
                .branch("p")
                .timestamp(TS)
                .tree(new TreeSource.Dir(plain))
                .build())
        .commit();
    assertThat(new Fsck(bare).run().errors()).isEmpty();

    ObjectId id = commit(bare).commit();

    assertThat(new Fsck(bare).run().errors()).isEmpty();
    assertThat(xattrNames(bare, id, "usr", "bin", "ping")).containsExactly("security.capability");
  }

  /**
   * A download that fails verification (here: its header claims another xattr) and is then fetched
   * again must not leave the bad attempt's xattrs to be set on the good object.
   */
  @Test
  void aFailedWriteLeavesNoXattrsBehindForItsRetry() throws Exception {
    OstreeRepo bare = OstreeRepo.init(tmp.resolve("bare"), RepoMode.BARE);
    byte[] data = "payload\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    FileHeader good =
        FileHeader.regular(0, 0, 0644, List.of(new Xattr("trusted.good", new byte[] {1})));
    FileHeader bad =
        FileHeader.regular(0, 0, 0644, List.of(new Xattr("trusted.bad", new byte[] {2})));
    ObjectId id = ContentObjects.checksum(good, data);
    try (Transaction tx = bare.beginTransaction()) {
      assertThatThrownBy(
              () -> tx.writeContent(id, bad, new java.io.ByteArrayInputStream(data), data.length))
          .isInstanceOf(CorruptObjectException.class);
      tx.writeContent(id, good, new java.io.ByteArrayInputStream(data), data.length);
      tx.commit();
    }
    Path object = bare.objectPath(ObjectType.FILE, id);
    assertThat(xattrDump(object.getParent()))
        .contains("trusted.good")
        .doesNotContain("trusted.bad");
    bare.verifyContent(id);
  }

  /**
   * Without native calls a bare repository cannot take these xattrs: a clear error, nothing stored.
   */
  @Test
  void withoutNativeCallsABarePullFailsClearlyAndStoresNoContent() throws Exception {
    OstreeRepo archive = OstreeRepo.init(tmp.resolve("archive"), RepoMode.ARCHIVE);
    commit(archive);
    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.BARE);
    System.setProperty(NativeFs.OFF_PROPERTY, "true");
    try {
      assertThatThrownBy(
              () ->
                  new Puller(ours)
                      .pull(
                          new LocalRepoSource(archive),
                          PullOptions.of("", List.of("b"), VerificationPolicy.NONE)
                              .withRemoteName(java.util.Optional.empty())))
          .isInstanceOf(OstreeException.class)
          .hasMessageContaining("native file-system calls are switched off")
          .hasMessageContaining("the JDK alone can only set user.* xattrs");
    } finally {
      System.clearProperty(NativeFs.OFF_PROPERTY);
    }
    assertThat(ours.refs().read("b")).isEmpty();
    try (var s = Files.walk(ours.path().resolve("objects"))) {
      // a pull stores the commit object first (marked partial), as libostree's does
      assertThat(s.filter(Files::isRegularFile).map(Path::toString))
          .noneMatch(name -> name.endsWith(".file") || name.endsWith(".dirtree"));
    }
  }

  @Test
  void withoutNativeCallsOnlyUserXattrsAreCommittedAndTheResultSaysSo() throws Exception {
    OstreeRepo ours = OstreeRepo.init(tmp.resolve("ours"), RepoMode.ARCHIVE);
    CommitResult r;
    System.setProperty(NativeFs.OFF_PROPERTY, "true");
    try {
      r = commit(ours);
    } finally {
      System.clearProperty(NativeFs.OFF_PROPERTY);
    }
    assertThat(r.warnings())
        .singleElement()
        .asString()
        .contains("switched off", "only user.* xattrs", tree.toString());
    assertThat(xattrNames(ours, r.commit(), "usr", "bin", "ping")).isEmpty();
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

  /**
   * Every xattr (all namespaces, symlinks' own, hex values) under {@code dir}, one block per file
   * in path order, without the {@code user.ostreemeta} and the directory itself.
   */
  static String xattrDump(Path dir) throws Exception {
    String out =
        Processes.check(
                new ProcessBuilder("getfattr", "-R", "-h", "-d", "-m", "-", "-e", "hex", ".")
                    .directory(dir.toFile()),
                Duration.ofMinutes(2))
            .stdout();
    return java.util.Arrays.stream(out.split("\n\n"))
        .map(String::strip)
        .filter(b -> !b.isEmpty())
        .sorted()
        .collect(java.util.stream.Collectors.joining("\n\n"));
  }

  private static void sh(String... cmd) throws Exception {
    Processes.check(new ProcessBuilder(cmd), Duration.ofMinutes(2));
  }
}
