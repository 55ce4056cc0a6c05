package dev.treewave.ostree.sysroot;

import static dev.treewave.ostree.sysroot.OstreeCli.ostree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Life-cycle scenarios on a sysroot that pretends to be booted (injected {@code /run} and root):
 * pending/rollback markers, rollback, pinning, staging with and without finalization, kernel
 * arguments from {@code /proc/cmdline}, the free-space reserve. The real {@code ostree admin
 * status} and {@code ostree fsck} check each end state.
 */
class SysrootScenariosIT {

  private ScratchDir scratch;
  private Path root;
  private String c1;
  private String c2;
  private String c3;

  @BeforeEach
  void setUp() throws IOException {
    OstreeCli.ostree();
    scratch = new ScratchDir("sysroot-scenarios");
    root = scratch.resolve("sysroot");
    Sysroot.initFs(root, new LocalSysrootFs());
    Path repo = root.resolve("ostree/repo");
    c1 =
        FakeOs.commit(
            repo, FakeOs.tree(scratch.resolve("t1"), "1", FakeOs.ETC_V1), "testos/v1", "1.0");
    c2 =
        FakeOs.commit(
            repo, FakeOs.tree(scratch.resolve("t2"), "2", FakeOs.ETC_V2), "testos/v2", "2.0");
    c3 =
        FakeOs.commit(
            repo, FakeOs.tree(scratch.resolve("t3"), "3", FakeOs.ETC_V2), "testos/v3", "3.0");
    Sysroot s = notBooted();
    s.osInit(FakeOs.OS);
    s.deploy(deploy("testos/v1").withKargs(List.of("root=/dev/vda1"), List.of(), List.of()));
    Files.writeString(etcOf(c1 + ".0").resolve("hostname"), "node-1\n");
    s.deploy(deploy("testos/v2"));
    Files.createDirectories(root.resolve("run"));
    Files.writeString(root.resolve("run/ostree-booted"), "");
  }

  @AfterEach
  void tearDown() {
    scratch.close();
  }

  private static DeployOptions deploy(String ref) {
    return DeployOptions.of(ref).withOsname(FakeOs.OS);
  }

  private Path etcOf(String dir) {
    return root.resolve("ostree/deploy/testos/deploy/" + dir + "/etc");
  }

  private Sysroot notBooted() {
    return Sysroot.builder(root, new OstreeCliTreeSource(root.resolve("ostree/repo")))
        .bootedSource(BootedSource.notBooted(scratch.resolve("no-run")))
        .spaceReserve(SpaceReserve.none())
        .build();
  }

  /** The sysroot as seen from a system booted into deployment directory {@code dir}. */
  private Sysroot bootedInto(String dir, String cmdline) {
    return Sysroot.builder(root, new OstreeCliTreeSource(root.resolve("ostree/repo")))
        .bootedSource(
            new BootedSource(
                root.resolve("run"),
                () -> cmdline,
                root.resolve("ostree/deploy/testos/deploy/" + dir)))
        .spaceReserve(SpaceReserve.none())
        .build();
  }

  private Sysroot bootedInto(String dir) {
    return bootedInto(dir, "");
  }

  private String theirStatus() {
    return ostree("admin", "status", "--sysroot=" + root).ok().out();
  }

  @Test
  void pendingThenRollbackMakesTheBootedOneDefaultAgain() throws IOException {
    Sysroot s = bootedInto(c2 + ".0");
    s.deploy(deploy("testos/v3"));
    assertThat(StatusFormatter.format(s.status()))
        .isEqualTo(
            "  testos "
                + c3
                + ".0 (pending)\n    Version: 3.0\n    origin refspec: testos/v3\n"
                + "* testos "
                + c2
                + ".0\n    Version: 2.0\n    origin refspec: testos/v2\n");
    // v1 was neither booted, merge nor pinned: gone, and cleaned up.
    assertThat(root.resolve("ostree/deploy/testos/deploy/" + c1 + ".0")).doesNotExist();

    Deployment now = s.rollback();
    assertThat(now.csum()).isEqualTo(c2);
    assertThat(StatusFormatter.format(s.status()))
        .startsWith("* testos " + c2 + ".0\n")
        .contains("  testos " + c3 + ".0 (rollback)\n");
    assertThat(theirStatus()).matches("(?s)  testos " + c2 + "\\.0\n.*  testos " + c3 + "\\.0\n.*");
    ostree("fsck", "--repo=" + root.resolve("ostree/repo")).ok();
  }

  @Test
  void notBootedRollbackSwapsTheFirstTwo() throws IOException {
    Deployment now = notBooted().rollback();
    assertThat(now.csum()).isEqualTo(c1);
    assertThat(theirStatus()).startsWith("  testos " + c1 + ".0\n");
    assertThat(notBooted().state().deployments())
        .extracting(Deployment::csum)
        .containsExactly(c1, c2);
  }

  @Test
  void pinnedDeploymentsSurviveUntilUnpinned() throws IOException {
    Sysroot s = bootedInto(c2 + ".0");
    s.setPinned(1, true);
    assertThat(Files.readString(root.resolve("ostree/deploy/testos/deploy/" + c1 + ".0.origin")))
        .isEqualTo("[origin]\nrefspec=testos/v1\n\n[libostree-transient]\npinned=true\n");
    s.deploy(deploy("testos/v3"));
    assertThat(s.state().deployments()).extracting(Deployment::csum).containsExactly(c3, c2, c1);
    assertThat(theirStatus()).contains("Pinned: yes");
    s.setPinned(2, false);
    s.deploy(deploy("testos/v3"));
    // Booted v2 stays; unpinned v1 and the superseded v3.0 go.
    assertThat(s.state().deployments())
        .extracting(Deployment::dirName)
        .containsExactly(c3 + ".1", c2 + ".0");
    assertThat(root.resolve("ostree/deploy/testos/deploy/" + c1 + ".0")).doesNotExist();
    assertThat(root.resolve("ostree/deploy/testos/deploy/" + c3 + ".0")).doesNotExist();
    assertThatThrownBy(() -> s.undeploy(1)).hasMessageContaining("booted");
  }

  @Test
  void stagedDeploymentAbandonedBeforeFinalizationIsCleanedUp() throws IOException {
    Sysroot s = bootedInto(c2 + ".0");
    String bootBefore = SysrootSnapshot.bootState(root).toString();
    s.deploy(deploy("testos/v3").withStage(true));
    assertThat(StatusFormatter.format(s.status()))
        .startsWith("  testos " + c3 + ".0 (staged)\n")
        .contains("* testos " + c2 + ".0\n")
        .contains("  testos " + c1 + ".0 (rollback)\n");
    assertThat(root.resolve("run/ostree/staged-deployment")).isRegularFile();
    // Nothing boots differently until finalization; the staged commit is protected by a ref.
    assertThat(theirStatus()).doesNotContain(c3);
    assertThat(Files.readString(root.resolve("ostree/repo/refs/heads/ostree/0/1/0")).strip())
        .isEqualTo(c3);
    ostree("fsck", "--repo=" + root.resolve("ostree/repo")).ok();

    // Reboot without finalize-staged (power loss): /run is a tmpfs, the record is gone.
    Files.delete(root.resolve("run/ostree/staged-deployment"));
    s.cleanup();
    assertThat(root.resolve("ostree/deploy/testos/deploy/" + c3 + ".0")).doesNotExist();
    assertThat(StatusFormatter.format(s.status())).doesNotContain(c3);
    assertThat(theirStatus()).contains(c2 + ".0").contains(c1 + ".0").doesNotContain(c3);
    ostree("fsck", "--repo=" + root.resolve("ostree/repo")).ok();
  }

  @Test
  void finalizeStagedMergesEtcAndBecomesPending() throws IOException {
    Sysroot s = bootedInto(c2 + ".0");
    s.deploy(deploy("testos/v3").withStage(true));
    Files.writeString(etcOf(c2 + ".0").resolve("after-staging.conf"), "late change\n");
    assertThat(s.finalizeStaged()).isTrue();
    assertThat(root.resolve("run/ostree/staged-deployment")).doesNotExist();
    assertThat(StatusFormatter.format(s.status()))
        .startsWith("  testos " + c3 + ".0 (pending)\n")
        .contains("* testos " + c2 + ".0\n")
        .doesNotContain(c1);
    // The merge happens at finalization: changes made after staging are carried over too.
    assertThat(etcOf(c3 + ".0").resolve("after-staging.conf")).hasContent("late change");
    assertThat(etcOf(c3 + ".0").resolve("hostname")).hasContent("node-1");
    assertThat(theirStatus()).startsWith("  testos " + c3 + ".0\n");
    assertThat(s.finalizeStaged()).isFalse();
  }

  @Test
  void kargsFromProcCmdlineReplaceOstreeArgInPlace() throws IOException {
    String cmdline = "console=ttyS0 ostree=/ostree/boot.0/testos/x/0 quiet\n";
    Sysroot s = bootedInto(c2 + ".0", cmdline);
    s.deploy(
        deploy("testos/v3")
            .withKargsFromProcCmdline(true)
            .withKargs(List.of(), List.of("audit=0"), List.of()));
    String options = s.state().deployments().get(0).kargs().toString();
    assertThat(options)
        .matches("console=ttyS0 ostree=/ostree/boot\\.\\d/testos/[0-9a-f]{64}/0 quiet audit=0");
    s.setKargs(0, KernelArgs.parse("console=tty0"));
    assertThat(s.state().deployments().get(0).kargs().toString())
        .startsWith("console=tty0 ostree=/ostree/boot.");
    assertThat(theirStatus()).startsWith("  testos " + c3 + ".0\n");
  }

  @Test
  void freeSpaceReserveRefusesAndChangesNothing() throws IOException {
    Map<String, String> before = SysrootSnapshot.tree(root);
    Sysroot tight =
        Sysroot.builder(root, new OstreeCliTreeSource(root.resolve("ostree/repo")))
            .bootedSource(BootedSource.notBooted(scratch.resolve("no-run")))
            .spaceReserve(new SpaceReserve(Long.MAX_VALUE / 2, 0))
            .build();
    assertThatThrownBy(() -> tight.deploy(deploy("testos/v3")))
        .isInstanceOf(InsufficientSpaceException.class)
        .hasMessageContaining("not enough free space on the sysroot filesystem")
        .hasMessageContaining("nothing was changed");
    assertThat(SysrootSnapshot.tree(root)).isEqualTo(before);

    // Room for the tree but not for a new kernel on /boot: refused after checkout, cleaned up.
    Sysroot tightBoot =
        Sysroot.builder(root, new OstreeCliTreeSource(root.resolve("ostree/repo")))
            .bootedSource(BootedSource.notBooted(scratch.resolve("no-run")))
            .spaceReserve(new SpaceReserve(1000, 0))
            .diskSpace(
                new SpaceReserve.DiskSpace() {
                  @Override
                  public long usable(Path path) {
                    return 1010; // the new kernel + initramfs are 21 bytes
                  }

                  @Override
                  public long total(Path path) {
                    return 1 << 20;
                  }
                })
            .build();
    assertThatThrownBy(() -> tightBoot.deploy(deploy("testos/v3")))
        .isInstanceOf(InsufficientSpaceException.class)
        .hasMessageContaining("boot filesystem");
    assertThat(SysrootSnapshot.tree(root)).isEqualTo(before);
    notBooted().deploy(deploy("testos/v3"));
    assertThat(theirStatus()).startsWith("  testos " + c3 + ".0\n");
  }

  @Test
  void lockedStagingIsOnlyFinalizedOnRequestAndRestagingReplaces() throws IOException {
    Sysroot s = bootedInto(c2 + ".0");
    s.deploy(deploy("testos/v1").withStage(true).withLockFinalization(true));
    assertThat(root.resolve("run/ostree/staged-deployment-locked")).exists();
    // Staging again replaces the older staged deployment (its directory goes).
    s.deploy(deploy("testos/v3").withStage(true).withLockFinalization(true));
    assertThat(root.resolve("ostree/deploy/testos/deploy/" + c1 + ".1")).doesNotExist();
    assertThat(s.status().get(0).deployment().csum()).isEqualTo(c3);
    // What ostree-finalize-staged.service runs at an unplanned shutdown: refused while locked.
    assertThatThrownBy(s::finalizeStaged).hasMessageContaining("locked");
    assertThat(theirStatus()).doesNotContain(c3);
    // The agent's explicit "make it the default".
    s.setDefault(0);
    assertThat(root.resolve("run/ostree/staged-deployment-locked")).doesNotExist();
    assertThat(StatusFormatter.format(s.status())).startsWith("  testos " + c3 + ".0 (pending)\n");
    // And back: the booted one becomes the default again.
    s.setDefault(1);
    assertThat(StatusFormatter.format(s.status()))
        .startsWith("* testos " + c2 + ".0\n")
        .contains("  testos " + c3 + ".0 (rollback)\n");
    ostree("fsck", "--repo=" + root.resolve("ostree/repo")).ok();
  }

  @Test
  void sysrootLockIsSharedWithOstree() throws Exception {
    // A POSIX record lock on ostree/lock, the kind Java's FileChannel.lock takes.
    Process holder =
        new ProcessBuilder(
                "python3",
                "-c",
                "import fcntl,time; f=open('"
                    + root.resolve("ostree/lock")
                    + "','a'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True);"
                    + " time.sleep(120)")
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(
              new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()))
                  .readLine())
          .isEqualTo("locked");
      assertThatThrownBy(() -> notBooted().deploy(deploy("testos/v3")))
          .isInstanceOf(SysrootBusyException.class)
          .hasMessageContaining("locked by another process");
      // ostree's own lock (an OFD lock) conflicts with it: ostree waits for us and we for it.
      OstreeCli.Result pin =
          OstreeCli.run(
              List.of(
                  "timeout",
                  "3",
                  OstreeCli.ostree().toString(),
                  "admin",
                  "pin",
                  "--sysroot=" + root,
                  "0"));
      assertThat(pin.exit()).isEqualTo(124);
      assertThat(pin.out() + pin.err()).contains("Waiting for sysroot lock");
    } finally {
      holder.destroyForcibly().waitFor();
    }
    notBooted().deploy(deploy("testos/v3"));
    assertThat(theirStatus()).startsWith("  testos " + c3 + ".0\n");
  }
}
