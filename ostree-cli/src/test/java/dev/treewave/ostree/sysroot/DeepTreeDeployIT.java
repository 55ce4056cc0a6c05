package dev.treewave.ostree.sysroot;

import static dev.treewave.ostree.sysroot.OstreeCli.ostree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An OS commit carrying a 10,000-deep directory chain ({@code usr/share/deep/d/d/...}) deploys,
 * undeploys and is cleaned up by ours as by the real {@code ostree admin}: checkout, deployment
 * removal and cleanup all reach paths far beyond PATH_MAX without recursion.
 */
class DeepTreeDeployIT {
  private ScratchDir scratch;
  private Path a;
  private Path b;

  @BeforeEach
  void setUp() throws IOException {
    OstreeCli.ostree();
    scratch = new ScratchDir("deep-deploy");
    a = scratch.resolve("a");
    b = scratch.resolve("b");
    for (Path s : List.of(a, b)) {
      Files.createDirectories(s);
      ostree("admin", "init-fs", s.toString()).ok();
      ostree("admin", "os-init", "--sysroot=" + s, FakeOs.OS).ok();
    }
    Path repoA = a.resolve("ostree/repo");
    String v1 =
        FakeOs.commit(
            repoA, FakeOs.tree(scratch.resolve("t1"), "1", FakeOs.ETC_V1), "testos/v1", "1.0");
    OstreeRepo repo = OstreeRepo.open(repoA);
    Commit c = repo.readCommit(ObjectId.parse(v1));
    // usr/share/deep: a chain of 10,000 directories named d, with one file at the bottom
    ObjectId chain = chain(repo, 10_000, c.rootMeta());
    ObjectId share =
        repo.writeMetadata(
            ObjectType.DIR_TREE,
            DirTree.of(List.of(), List.of(new DirTree.DirEntry("deep", chain, c.rootMeta())))
                .serialize());
    DirTree usrTree = repo.readDirTree(entry(repo.readDirTree(c.rootTree()), "usr"));
    List<DirTree.DirEntry> usrDirs = new ArrayList<>(usrTree.dirs());
    usrDirs.add(new DirTree.DirEntry("share", share, c.rootMeta()));
    usrDirs.sort(java.util.Comparator.comparing(DirTree.DirEntry::name, DirTree.NAME_ORDER));
    ObjectId newUsr =
        repo.writeMetadata(ObjectType.DIR_TREE, DirTree.of(usrTree.files(), usrDirs).serialize());
    ObjectId newRoot =
        repo.writeMetadata(
            ObjectType.DIR_TREE,
            replaceDir(repo.readDirTree(c.rootTree()), "usr", newUsr).serialize());
    Commit deep =
        new Commit(
            withoutRefBinding(c.metadata()),
            c.parent(),
            "deep",
            "",
            c.timestamp(),
            newRoot,
            c.rootMeta());
    ObjectId id = repo.writeMetadata(ObjectType.COMMIT, deep.serialize());
    repo.refs().write("testos/deep", id);
    ostree("--repo=" + repoA, "fsck").ok();
    ostree(
            "--repo=" + b.resolve("ostree/repo"),
            "pull-local",
            repoA.toString(),
            "testos/v1",
            "testos/deep")
        .ok();
  }

  private static java.util.Map<String, dev.treewave.ostree.gvariant.GVariant> withoutRefBinding(
      java.util.Map<String, dev.treewave.ostree.gvariant.GVariant> m) {
    java.util.Map<String, dev.treewave.ostree.gvariant.GVariant> out = new java.util.TreeMap<>(m);
    out.remove("ostree.ref-binding");
    return out;
  }

  private static ObjectId entry(DirTree t, String name) {
    return t.dirs().stream()
        .filter(d -> d.name().equals(name))
        .findFirst()
        .orElseThrow()
        .treeChecksum();
  }

  /** A tree holding {@code d/d/.../d/f}, {@code depth} directories deep. */
  private static ObjectId chain(OstreeRepo repo, int depth, ObjectId meta) {
    byte[] leaf = "leaf\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ObjectId file =
        repo.writeContent(
            dev.treewave.ostree.core.FileHeader.regular(0, 0, 0644, List.of()),
            new java.io.ByteArrayInputStream(leaf),
            leaf.length);
    ObjectId tree =
        repo.writeMetadata(
            ObjectType.DIR_TREE,
            DirTree.of(List.of(new DirTree.FileEntry("f", file)), List.of()).serialize());
    try (var tx = repo.beginTransaction()) { // one sync for the whole chain
      for (int i = 0; i < depth; i++) {
        tree =
            tx.writeMetadata(
                ObjectType.DIR_TREE,
                DirTree.of(List.of(), List.of(new DirTree.DirEntry("d", tree, meta))).serialize());
      }
      tx.commit();
    }
    return tree;
  }

  private static DirTree replaceDir(DirTree t, String name, ObjectId tree) {
    List<DirTree.DirEntry> dirs = new ArrayList<>();
    for (DirTree.DirEntry d : t.dirs()) {
      dirs.add(d.name().equals(name) ? new DirTree.DirEntry(name, tree, d.metaChecksum()) : d);
    }
    return DirTree.of(t.files(), dirs);
  }

  @AfterEach
  void tearDown() {
    scratch.close();
  }

  private static void ours(String... args) {
    dev.treewave.ostree.cli.OstreeCli.runChecked(args);
  }

  @Test
  void aTenThousandDeepTreeDeploysAndIsCleanedUpLikeOstree() {
    ostree("admin", "deploy", "--sysroot=" + a, "--os=testos", "--karg=rw", "testos/v1").ok();
    ours("admin", "deploy", "--sysroot=" + b, "--os=testos", "--karg=rw", "testos/v1");
    // libostree's checkout recurses once per directory (ostree 2022.7's checkout -U of this
    // chain crashes with the default 8 MB stack), so the oracle runs with an unlimited one
    OstreeCli.run(
            List.of(
                "sh",
                "-c",
                "ulimit -s unlimited && exec \"$0\" admin deploy --sysroot=\"$1\" --os=testos"
                    + " --karg=rw testos/deep",
                OstreeCli.ostree().toString(),
                a.toString()))
        .ok();
    ours("admin", "deploy", "--sysroot=" + b, "--os=testos", "--karg=rw", "testos/deep");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
    String csum =
        ostree("--repo=" + b.resolve("ostree/repo"), "rev-parse", "testos/deep").ok().out().strip();
    Path deployB = b.resolve("ostree/deploy/testos/deploy/" + csum + ".0");
    String depth =
        OstreeCli.run(
                List.of(
                    "sh",
                    "-c",
                    "cd \"$1\" && find usr/share/deep -name f -printf '%d'",
                    "sh",
                    deployB.toString()))
            .ok()
            .out();
    assertThat(depth).isEqualTo("10001");
    ostree("admin", "undeploy", "--sysroot=" + a, "0").ok();
    ours("admin", "undeploy", "--sysroot=" + b, "0");
    assertThat(deployB).doesNotExist();
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
  }
}
