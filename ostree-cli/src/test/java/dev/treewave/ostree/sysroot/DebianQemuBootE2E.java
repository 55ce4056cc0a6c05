package dev.treewave.ostree.sysroot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.RequiredTool;
import dev.treewave.testing.qemu.BiosDisk;
import dev.treewave.testing.qemu.DebianTree;
import dev.treewave.testing.qemu.GrubSysroot;
import dev.treewave.testing.qemu.QemuVm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Debian 12 OS tree (systemd, the cloud kernel, an initramfs-tools initramfs that runs the
 * real {@code ostree-prepare-root}), built once by {@code e2e-kind/vm/build-os.sh} and cached by
 * its hash, committed and deployed with {@code treewave-ostree}, booted through GRUB 2 in qemu:
 * GRUB picks the entry from the loader's {@code grub.cfg}, the initramfs makes the deployment the
 * root, systemd reaches {@code multi-user.target}, and a unit of the tree reports on the serial
 * console which deployment {@code /} is.
 */
class DebianQemuBootE2E {

  private static final Duration BOOT = Duration.ofMinutes(10);
  private static final String OS = "debian";
  private static final long DISK = 1536L * 1024 * 1024;
  private static final Pattern REPORTED = Pattern.compile("TREEWAVE-PROOF motd: .*\\n");

  private ScratchDir scratch;
  private Path root;
  private Path disk;

  @BeforeEach
  void setUp() throws IOException {
    scratch = new ScratchDir("debian-boot");
    root = scratch.resolve("sysroot");
    disk = scratch.resolve("disk.img");
  }

  @AfterEach
  void tearDown() {
    scratch.close();
  }

  @Test
  void grubBootsDebianIntoTheDeploymentThroughOstreePrepareRoot() throws IOException {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "debootstrap and chroot need root");
    RequiredTool.require("debootstrap", "apt-get install debootstrap");
    RequiredTool.require("grub-mkimage", BiosDisk.HINT);
    DebianTree debian = DebianTree.cached();
    QemuVm.Accel accel = debian.accel();

    long c0 = System.nanoTime();
    GrubSysroot sysroot = GrubSysroot.init(root, OS, DebianQemuBootE2E::ours);
    String v1 = sysroot.commit("1", List.of(), debian.tree());
    sysroot.deploy(GrubSysroot.DEBIAN_KARGS);
    sysroot.buildDisk(disk, DISK);
    System.out.printf(
        "[e2e] commit, deploy and disk: %d ms%n", (System.nanoTime() - c0) / 1_000_000);

    long t0 = System.nanoTime();
    try (QemuVm vm = QemuVm.boot(QemuVm.Options.disk("debian", disk, accel))) {
      vm.await(Pattern.compile("treewave: loading .*\\(ostree:0\\)"), 0, BOOT);
      Matcher done = vm.await(REPORTED, 0, BOOT);
      long reported = (System.nanoTime() - t0) / 1_000_000;
      assertThat(vm.awaitExit(Duration.ofMinutes(3))).as("powered off").isPresent();
      String console = vm.console().substring(0, done.end());
      assertThat(console)
          .contains("TREEWAVE-PROOF /run/ostree-booted present")
          .contains("TREEWAVE-PROOF multi-user.target: active")
          .contains("TREEWAVE-PROOF ostree-remount.service: active")
          .containsPattern(
              "TREEWAVE-PROOF findmnt /var: /dev/vda1\\[/ostree/deploy/" + OS + "/var\\]")
          .containsPattern("TREEWAVE-PROOF cmdline: .*ostree=/ostree/boot\\.\\d/" + OS + "/")
          .containsPattern(
              "TREEWAVE-PROOF findmnt /: /dev/vda1\\[/ostree/deploy/" + OS + "/deploy/")
          .doesNotContain("ostree-prepare-root failed");
      assertThat(ProofOs.bootedDeployment(console)).isEqualTo(v1 + ".0");
      System.out.printf(
          "[e2e] Debian boot through GRUB (%s): %d ms to the report%n", accel, reported);
    }
  }

  private static String ours(String... args) {
    return dev.treewave.ostree.cli.OstreeCli.runChecked(args);
  }
}
