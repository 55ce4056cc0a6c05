package dev.treewave.ostree.sysroot;

import static dev.treewave.ostree.sysroot.OstreeCli.ostree;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Same commits, same kernel arguments, deployed by the real {@code ostree admin deploy} into
 * sysroot A and by our {@link Sysroot} into sysroot B: the boot configuration, origins, refs,
 * {@code /etc} merge results and {@code ostree admin status} output must be identical.
 */
class SysrootInteropIT {

  private ScratchDir scratch;
  private Path a;
  private Path b;
  private String c1;
  private String c2;
  private String c3;

  @BeforeEach
  void setUp() throws IOException {
    OstreeCli.ostree();
    scratch = new ScratchDir("sysroot-interop");
    a = scratch.resolve("a");
    b = scratch.resolve("b");
    Files.createDirectories(a);
    ostree("admin", "init-fs", a.toString()).ok();
    ostree("admin", "os-init", "--sysroot=" + a, FakeOs.OS).ok();
    Sysroot.initFs(b, new LocalSysrootFs());
    ours(b).osInit(FakeOs.OS);
    Path repoA = a.resolve("ostree/repo");
    c1 =
        FakeOs.commit(
            repoA, FakeOs.tree(scratch.resolve("t1"), "1", FakeOs.ETC_V1), "testos/v1", "1.0");
    c2 =
        FakeOs.commit(
            repoA, FakeOs.tree(scratch.resolve("t2"), "2", FakeOs.ETC_V2), "testos/v2", "2.0");
    c3 =
        FakeOs.commit(
            repoA, FakeOs.tree(scratch.resolve("t3"), "2", FakeOs.ETC_V2), "testos/v3", "3.0");
    // Same objects in B's repo: identical commits, so identical checksums everywhere.
    ostree(
            "--repo=" + b.resolve("ostree/repo"),
            "pull-local",
            repoA.toString(),
            "testos/v1",
            "testos/v2",
            "testos/v3")
        .ok();
  }

  @AfterEach
  void tearDown() {
    scratch.close();
  }

  private static Sysroot ours(Path root) {
    return Sysroot.builder(root, new OstreeCliTreeSource(root.resolve("ostree/repo")))
        .bootedSource(BootedSource.notBooted(root.resolve("run")))
        .spaceReserve(SpaceReserve.none())
        .build();
  }

  private void theirsDeploy(String rev, String... kargs) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("admin", "deploy", "--sysroot=" + a, "--os=" + FakeOs.OS));
    for (String k : kargs) {
      args.add("--karg=" + k);
    }
    args.add(rev);
    ostree(args.toArray(String[]::new)).ok();
  }

  private void oursDeploy(String rev, String... kargs) throws IOException {
    ours(b)
        .deploy(
            DeployOptions.of(rev)
                .withOsname(FakeOs.OS)
                .withKargs(List.of(kargs), List.of(), List.of()));
  }

  private static String status(Path root) {
    return ostree("admin", "status", "--sysroot=" + root).ok().out();
  }

  /** Edits /etc of deployment 0 the same way on both sides: modify, delete, add, chmod, nest. */
  private static void editEtc(Path sysroot, String csum) throws IOException {
    Path etc = sysroot.resolve("ostree/deploy/testos/deploy/" + csum + ".0/etc");
    Files.writeString(etc.resolve("hostname"), "node-7\n");
    Files.delete(etc.resolve("passwd"));
    Files.writeString(etc.resolve("local.conf"), "mine=1\n");
    Files.setPosixFilePermissions(
        etc.resolve("sub/nested.conf"), PosixFilePermissions.fromString("rw-------"));
    Files.createDirectories(etc.resolve("extra/deep"));
    Files.writeString(etc.resolve("extra/deep/x.conf"), "x\n");
    Files.createSymbolicLink(etc.resolve("link.conf"), Path.of("hostname"));
  }

  @Test
  void deploymentsMatchOstreeStepByStep() throws IOException {
    theirsDeploy("testos/v1", "root=/dev/vda1", "rw");
    oursDeploy("testos/v1", "root=/dev/vda1", "rw");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
    assertThat(status(b)).isEqualTo(status(a)).contains("testos " + c1 + ".0");
    assertThat(lsattr(b, c1 + ".0")).isEqualTo(lsattr(a, c1 + ".0"));

    // Second deploy inherits kargs and merges /etc; the new kernel forces a new bootcsum.
    editEtc(a, c1);
    editEtc(b, c1);
    theirsDeploy("testos/v2");
    oursDeploy("testos/v2");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
    assertThat(SysrootSnapshot.tree(etc(b, c2 + ".0")))
        .isEqualTo(SysrootSnapshot.tree(etc(a, c2 + ".0")))
        .containsKey("local.conf")
        .containsKey("extra/deep/x.conf")
        .doesNotContainKey("passwd")
        .containsKey("new.conf");
    assertThat(status(b)).isEqualTo(status(a));

    // Third deploy: the same kernel (bootlink sharing), v1 dropped and cleaned on both sides.
    theirsDeploy("testos/v3", "quiet");
    oursDeploy("testos/v3", "quiet");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
    assertThat(SysrootSnapshot.tree(etc(b, c3 + ".0")))
        .isEqualTo(SysrootSnapshot.tree(etc(a, c3 + ".0")));
    assertThat(status(b)).isEqualTo(status(a));
    assertThat(status(b)).contains(c3 + ".0").contains(c2 + ".0").doesNotContain(c1);

    // Same commit again: serial 1.
    theirsDeploy("testos/v3");
    oursDeploy("testos/v3");
    assertThat(SysrootSnapshot.bootState(b)).isEqualTo(SysrootSnapshot.bootState(a));
    assertThat(status(b)).isEqualTo(status(a)).contains(c3 + ".1");
    ostree("fsck", "--repo=" + b.resolve("ostree/repo")).ok();
  }

  @Test
  void ourStatusReadsWhatOstreeDeployed() throws IOException {
    theirsDeploy("testos/v1", "root=/dev/vda1");
    theirsDeploy("testos/v2");
    ostree("admin", "pin", "--sysroot=" + a, "1").ok();
    theirsDeploy("testos/v3");
    String theirs = status(a);
    assertThat(StatusFormatter.format(ours(a).status())).isEqualTo(theirs);
    List<Deployment> list = ours(a).state().deployments();
    assertThat(list).extracting(Deployment::csum).containsExactly(c3, c2, c1);
    assertThat(list.get(2).pinned()).isTrue();
    assertThat(list.get(0).kargs().args()).contains("root=/dev/vda1");
  }

  @Test
  void eachToolManagesTheOthersDeployments() throws IOException {
    // ours deploys, ostree pins, deploys and undeploys on top, ours reads it back
    oursDeploy("testos/v1", "root=/dev/vda1");
    ostree("admin", "pin", "--sysroot=" + b, "0").ok();
    ostree("admin", "deploy", "--sysroot=" + b, "--os=testos", "testos/v2").ok();
    oursDeploy("testos/v3");
    assertThat(ours(b).state().deployments())
        .extracting(Deployment::csum)
        .containsExactly(c3, c2, c1);
    ostree("admin", "undeploy", "--sysroot=" + b, "1").ok();
    assertThat(StatusFormatter.format(ours(b).status())).isEqualTo(status(b));
    // ostree deploys, ours pins, unpins and undeploys, ostree reads it back
    theirsDeploy("testos/v1", "root=/dev/vda1");
    theirsDeploy("testos/v2");
    ours(a).setPinned(1, true);
    assertThat(status(a)).contains("Pinned: yes");
    ours(a).setPinned(1, false);
    ours(a).undeploy(0);
    assertThat(status(a)).contains(c1 + ".0").doesNotContain(c2);
    theirsDeploy("testos/v3");
    assertThat(StatusFormatter.format(ours(a).status())).isEqualTo(status(a));
    ostree("fsck", "--repo=" + a.resolve("ostree/repo")).ok();
  }

  private static Path etc(Path sysroot, String dir) {
    return sysroot.resolve("ostree/deploy/testos/deploy/" + dir + "/etc");
  }

  private static String lsattr(Path sysroot, String dir) {
    String out =
        OstreeCli.run(
                List.of(
                    "lsattr",
                    "-d",
                    sysroot.resolve("ostree/deploy/testos/deploy/" + dir).toString()))
            .ok()
            .out();
    return out.substring(0, out.indexOf(' '));
  }
}
