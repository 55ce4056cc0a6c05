package dev.treewave.ostree.sysroot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Boot proof: a tiny OS (the host's Debian kernel, a busybox initramfs that runs the real {@code
 * ostree-prepare-root}) is deployed by our {@link Sysroot} (our object store's checkout, our BLS
 * entry, our bootlinks) into an ext4 disk image, and {@code qemu-system-x86_64} (software
 * emulation) boots it with the kernel, initrd and options of the entry we wrote. The booted system
 * reports on the serial console that its {@code /} is our deployment directory.
 */
class SysrootQemuBootE2E {

  private ScratchDir scratch;

  @BeforeEach
  void setUp() throws IOException {
    scratch = new ScratchDir("sysroot-boot");
  }

  @AfterEach
  void tearDown() {
    scratch.close();
  }

  @Test
  void qemuBootsOurDeployment() throws IOException {
    OstreeCli.ostree();
    Path qemu = RequiredTool.require("qemu-system-x86_64", ProofOs.HINT);
    RequiredTool.require("mkfs.ext4", "apt-get install e2fsprogs");
    RequiredTool.require("cpio", ProofOs.HINT);
    String kver = ProofOs.kernelVersion();
    Path initramfs = ProofOs.initramfs(scratch.path, kver, "/dev/vda");
    Path tree = ProofOs.tree(scratch.resolve("tree"), kver, initramfs, null);

    Path root = scratch.resolve("sysroot");
    Sysroot.initFs(root, new LocalSysrootFs());
    String commit = FakeOs.commit(root.resolve("ostree/repo"), tree, "proofos/stable", "1.0");
    Sysroot sysroot =
        Sysroot.builder(root, RepoTreeSource.forSysroot(root))
            .bootedSource(BootedSource.notBooted(scratch.resolve("no-run")))
            .spaceReserve(SpaceReserve.none())
            .build();
    sysroot.osInit("proofos");
    Deployment d =
        sysroot.deploy(
            DeployOptions.of("proofos/stable")
                .withOsname("proofos")
                .withKargs(List.of("rw", "console=ttyS0"), List.of(), List.of()));
    assertThat(d.csum()).isEqualTo(commit);

    assertThat(bootAndReport(qemu, root, "first boot")).isEqualTo(d.dirName());

    // A second version (same kernel, new /etc default): the swapped boot entries boot it ...
    Files.writeString(tree.resolve("usr/etc/motd"), "v2\n");
    FakeOs.commit(root.resolve("ostree/repo"), tree, "proofos/stable", "2.0");
    Deployment second = sysroot.deploy(DeployOptions.of("proofos/stable").withOsname("proofos"));
    assertThat(bootAndReport(qemu, root, "after deploy")).isEqualTo(second.dirName());
    // ... and a rollback (a boot-version swap back) boots the first one again.
    sysroot.rollback();
    assertThat(bootAndReport(qemu, root, "after rollback")).isEqualTo(d.dirName());
  }

  /**
   * Packs the sysroot into an ext4 image and boots the default BLS entry (highest version) with
   * qemu; returns the deployment directory the booted system's {@code /} is.
   */
  private String bootAndReport(Path qemu, Path root, String label) throws IOException {
    BootEntry entry = null;
    try (Stream<Path> s = Files.list(root.resolve("boot/loader/entries"))) {
      for (Path p : s.toList()) {
        BootEntry e = BootEntry.parse(Files.readString(p));
        if (entry == null
            || Integer.parseInt(e.get("version").orElseThrow())
                > Integer.parseInt(entry.get("version").orElseThrow())) {
          entry = e;
        }
      }
    }
    assertThat(entry).isNotNull();
    OstreeCli.run(List.of("chattr", "-R", "-f", "-i", root.resolve("ostree/deploy").toString()));
    Path disk = scratch.resolve("disk.img");
    Files.deleteIfExists(disk);
    OstreeCli.run(List.of("mkfs.ext4", "-q", "-F", "-d", root.toString(), disk.toString(), "512M"))
        .ok();
    OstreeCli.Result boot =
        OstreeCli.run(
            List.of(
                "timeout",
                "600",
                qemu.toString(),
                "-nographic",
                "-no-reboot",
                "-m",
                "512",
                "-smp",
                "1",
                "-kernel",
                root.resolve("boot" + entry.get("linux").orElseThrow()).toString(),
                "-initrd",
                root.resolve("boot" + entry.get("initrd").orElseThrow()).toString(),
                "-append",
                entry.get("options").orElseThrow() + " root=/dev/vda panic=-1 quiet",
                "-drive",
                "file=" + disk + ",format=raw,if=virtio"));
    String console = boot.out();
    System.out.println("--- " + label);
    console.lines().filter(l -> l.contains("TREEWAVE-PROOF")).forEach(System.out::println);
    String booted = ProofOs.bootedDeployment(console);
    assertThat(console)
        .as("%s: booted system reported its root:\n%s", label, tail(console))
        .contains("TREEWAVE-PROOF root: ");
    assertThat(console)
        .contains("TREEWAVE-PROOF cmdline: " + entry.get("options").orElseThrow())
        .contains("TREEWAVE-PROOF /run/ostree-booted present")
        .contains("TREEWAVE-PROOF hostname file: proof-host");
    assertThat(booted).as("%s: no deployment is the booted root", label).isNotNull();
    return booted;
  }

  private static String tail(String s) {
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }
}
