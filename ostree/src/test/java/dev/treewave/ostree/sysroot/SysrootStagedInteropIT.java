package dev.treewave.ostree.sysroot;

import static dev.treewave.ostree.sysroot.OstreeCli.ostree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Staging across tools on a really "booted" sysroot: the real {@code ostree} runs chrooted into one
 * of our deployments inside a private mount and PID namespace, with the sysroot, {@code /boot},
 * {@code /var} and a {@code /run} holding {@code ostree-booted} bind-mounted the way
 * ostree-prepare-root sets them up (ostree-format.md section 9, experiment 18). Proves that what
 * ostree-finalize-staged.service runs at shutdown finalizes what we staged, and the reverse.
 */
class SysrootStagedInteropIT {

  private ScratchDir scratch;
  private Path sysroot;
  private Path runState;
  private Path bootedDir;
  private String c3;

  @BeforeEach
  void setUp() throws IOException {
    OstreeCli.ostree();
    RequiredTool.require("unshare", "apt-get install util-linux");
    RequiredTool.require("chroot", "apt-get install coreutils");
    scratch = new ScratchDir("sysroot-staged");
    sysroot = scratch.resolve("sysroot");
    runState = scratch.resolve("run");
    Files.createDirectories(runState);
    Files.writeString(runState.resolve("ostree-booted"), "");
    Sysroot.initFs(sysroot, new LocalSysrootFs());
    Path repo = sysroot.resolve("ostree/repo");
    FakeOs.commit(repo, bootable(scratch.resolve("t1"), "1"), "testos/v1", "1.0");
    c3 = FakeOs.commit(repo, bootable(scratch.resolve("t3"), "3"), "testos/v3", "3.0");
    Sysroot s = notBooted();
    s.osInit(FakeOs.OS);
    Deployment v1 =
        s.deploy(
            DeployOptions.of("testos/v1")
                .withOsname(FakeOs.OS)
                .withKargs(List.of("root=/dev/vda1"), List.of(), List.of()));
    bootedDir = sysroot.resolve("ostree/deploy/testos/deploy/" + v1.dirName());
    Files.writeString(bootedDir.resolve("etc/hostname"), "node-9\n");
  }

  @AfterEach
  void tearDown() {
    scratch.close();
  }

  /** An OS tree that can be chrooted into once the host's /usr is mounted over its usr. */
  private static Path bootable(Path dir, String tag) throws IOException {
    FakeOs.tree(dir, tag, Map.of("hostname", "default\n"));
    for (String d : List.of("sysroot", "boot", "proc", "run", "tmp", "var", "dev", "sys")) {
      Files.createDirectories(dir.resolve(d));
    }
    for (String d : List.of("bin", "lib", "lib64", "sbin")) {
      Files.createDirectories(dir.resolve("usr/" + d));
      Files.createSymbolicLink(dir.resolve(d), Path.of("usr/" + d));
    }
    Files.createSymbolicLink(dir.resolve("ostree"), Path.of("sysroot/ostree"));
    return dir;
  }

  private Sysroot notBooted() {
    return Sysroot.builder(sysroot, new OstreeCliTreeSource(sysroot.resolve("ostree/repo")))
        .bootedSource(BootedSource.notBooted(scratch.resolve("no-run")))
        .spaceReserve(SpaceReserve.none())
        .build();
  }

  private Sysroot booted() {
    return Sysroot.builder(sysroot, new OstreeCliTreeSource(sysroot.resolve("ostree/repo")))
        .bootedSource(new BootedSource(runState, () -> "", bootedDir))
        .spaceReserve(SpaceReserve.none())
        .build();
  }

  /** Runs the real ostree as if booted into {@link #bootedDir}. */
  private OstreeCli.Result ostreeBooted(String... args) throws IOException {
    String r = bootedDir.toString();
    String script =
        String.join(
            "\n",
            "set -e",
            "mount --bind " + r + " " + r,
            "mount --bind /usr " + r + "/usr",
            "mount --bind " + sysroot + " " + r + "/sysroot",
            "mount --bind " + sysroot + "/boot " + r + "/boot",
            "mount --bind " + sysroot + "/ostree/deploy/testos/var " + r + "/var",
            "mount --bind " + runState + " " + r + "/run",
            "mount -t proc proc " + r + "/proc",
            "mount --bind /dev " + r + "/dev",
            "exec chroot " + r + " /usr/bin/ostree \"$@\"");
    Path file = scratch.resolve("booted.sh");
    Files.writeString(file, script + "\n");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--propagation",
                "private",
                "sh",
                file.toString()));
    cmd.addAll(List.of(args));
    return OstreeCli.run(cmd);
  }

  @Test
  void weReadAndFinalizeWhatOstreeStaged() throws IOException {
    ostreeBooted("admin", "deploy", "--stage", "testos/v3").ok();
    String theirs = ostreeBooted("admin", "status").ok().out();
    assertThat(theirs).startsWith("  testos " + c3 + ".0 (staged)\n");
    assertThat(StatusFormatter.format(booted().status())).isEqualTo(theirs);

    // Our codec reproduces their GVariant byte for byte.
    byte[] real = Files.readAllBytes(runState.resolve("ostree/staged-deployment"));
    StagedDeploymentFile parsed = StagedDeploymentFile.parse(real);
    assertThat(parsed.target().name()).isEqualTo(c3 + ".0");
    assertThat(HexFormat.of().formatHex(parsed.serialize()))
        .isEqualTo(HexFormat.of().formatHex(real));

    assertThat(booted().finalizeStaged()).isTrue();
    assertThat(ostreeBooted("admin", "status").ok().out())
        .startsWith("  testos " + c3 + ".0 (pending)\n")
        .contains("* testos ");
    assertThat(bootedDir.resolveSibling(c3 + ".0").resolve("etc/hostname")).hasContent("node-9");
    ostree("fsck", "--repo=" + sysroot.resolve("ostree/repo")).ok();
  }

  @Test
  void ostreeFinalizesWhatWeStaged() throws IOException {
    booted()
        .deploy(
            DeployOptions.of("testos/v3")
                .withStage(true)
                .withKargs(List.of(), List.of("quiet"), List.of()));
    assertThat(ostreeBooted("admin", "status").ok().out())
        .isEqualTo(StatusFormatter.format(booted().status()))
        .startsWith("  testos " + c3 + ".0 (staged)\n");
    // What ostree-finalize-staged.service runs at shutdown.
    OstreeCli.Result fin = ostreeBooted("admin", "finalize-staged").ok();
    assertThat(fin.out()).contains("Copying /etc changes: 1 modified");
    assertThat(ostreeBooted("admin", "status").ok().out())
        .startsWith("  testos " + c3 + ".0 (pending)\n");
    Deployment pending = booted().state().deployments().get(0);
    assertThat(pending.csum()).isEqualTo(c3);
    assertThat(pending.kargs().toString())
        .startsWith("root=/dev/vda1 ostree=/ostree/boot.")
        .endsWith(" quiet");
    assertThat(bootedDir.resolveSibling(c3 + ".0").resolve("etc/hostname")).hasContent("node-9");
    ostree("fsck", "--repo=" + sysroot.resolve("ostree/repo")).ok();
  }
}
