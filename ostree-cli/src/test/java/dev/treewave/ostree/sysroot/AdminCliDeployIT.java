package dev.treewave.ostree.sysroot;

import static dev.treewave.ostree.sysroot.OstreeCli.ostree;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The all-Java path: {@code treewave-ostree admin …} (our CLI, our object store's checkout) against
 * {@code ostree admin …} on a twin sysroot: same boot state, same status text.
 */
class AdminCliDeployIT {

  private ScratchDir scratch;
  private Path a;
  private Path b;

  @BeforeEach
  void setUp() throws IOException {
    OstreeCli.ostree();
    scratch = new ScratchDir("admin-cli");
    a = scratch.resolve("a");
    b = scratch.resolve("b");
    Files.createDirectories(a);
    ostree("admin", "init-fs", a.toString()).ok();
    ostree("admin", "os-init", "--sysroot=" + a, FakeOs.OS).ok();
    ours("admin", "init-fs", b.toString());
    assertThat(ours("admin", "os-init", "--sysroot=" + b, FakeOs.OS))
        .contains("ostree/deploy/testos initialized as OSTree root");
    Path repoA = a.resolve("ostree/repo");
    FakeOs.commit(
        repoA, FakeOs.tree(scratch.resolve("t1"), "1", FakeOs.ETC_V1), "testos/v1", "1.0");
    FakeOs.commit(
        repoA, FakeOs.tree(scratch.resolve("t2"), "2", FakeOs.ETC_V2), "testos/v2", "2.0");
    ostree(
            "--repo=" + b.resolve("ostree/repo"),
            "pull-local",
            repoA.toString(),
            "testos/v1",
            "testos/v2")
        .ok();
  }

  @AfterEach
  void tearDown() {
    scratch.close();
  }

  private static String ours(String... args) {
    return dev.treewave.ostree.cli.OstreeCli.runChecked(args);
  }

  private void both(String... adminArgs) {
    List<String> theirs = new ArrayList<>(List.of("admin"));
    theirs.add(adminArgs[0]);
    theirs.add("--sysroot=" + a);
    theirs.addAll(List.of(adminArgs).subList(1, adminArgs.length));
    ostree(theirs.toArray(String[]::new)).ok();
    List<String> mine = new ArrayList<>(List.of("admin"));
    mine.add(adminArgs[0]);
    mine.add("--sysroot=" + b);
    mine.addAll(List.of(adminArgs).subList(1, adminArgs.length));
    ours(mine.toArray(String[]::new));
  }

  @Test
  void cliDeployPinUndeployMatchOstree() throws IOException {
    both("deploy", "--os=testos", "--karg=root=/dev/vda1", "--karg=rw", "testos/v1");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
    // The whole deployment tree, as checked out by our object store, equals ostree's.
    String dir =
        ostree("--repo=" + a.resolve("ostree/repo"), "rev-parse", "testos/v1").ok().out().strip()
            + ".0";
    Path deployA = a.resolve("ostree/deploy/testos/deploy/" + dir);
    Path deployB = b.resolve("ostree/deploy/testos/deploy/" + dir);
    assertThat(SysrootSnapshot.tree(deployB)).isEqualTo(SysrootSnapshot.tree(deployA));
    assertThat((Integer) Files.getAttribute(deployB.resolve("usr/bin/hello"), "unix:nlink"))
        .as("hardlinked to the repository object")
        .isGreaterThan(1);
    both("deploy", "--os=testos", "--karg-append=quiet", "testos/v2");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
    both("pin", "1");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
    String theirs = ostree("admin", "status", "--sysroot=" + a).ok().out();
    assertThat(ours("admin", "status", "--sysroot=" + b)).isEqualTo(theirs).contains("Pinned: yes");
    String v2 =
        ostree("--repo=" + b.resolve("ostree/repo"), "rev-parse", "testos/v2").ok().out().strip();
    both("undeploy", "0");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
    assertThat(ours("admin", "status", "--sysroot=" + b))
        .isEqualTo(ostree("admin", "status", "--sysroot=" + a).ok().out());
    // Cleanup prunes like ostree: with the branch gone, the undeployed commit's objects go.
    ostree("--repo=" + b.resolve("ostree/repo"), "refs", "--delete", "testos/v2").ok();
    ours("admin", "cleanup", "--sysroot=" + b);
    assertThat(ostree("--repo=" + b.resolve("ostree/repo"), "log", v2).exit()).isNotZero();
    ostree("fsck", "--repo=" + b.resolve("ostree/repo")).ok();
    ostree("admin", "status", "--sysroot=" + b).ok();
  }
}
