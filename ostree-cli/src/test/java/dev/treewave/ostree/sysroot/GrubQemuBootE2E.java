package dev.treewave.ostree.sysroot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.RequiredTool;
import dev.treewave.testing.qemu.BiosDisk;
import dev.treewave.testing.qemu.GrubSysroot;
import dev.treewave.testing.qemu.QemuVm;
import java.io.IOException;
import java.nio.file.Files;
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
 * Real boots through a real bootloader: a PC BIOS (SeaBIOS in qemu) loads GRUB 2 from the MBR of a
 * raw disk ({@link BiosDisk}), GRUB reads the {@code grub.cfg} that {@code treewave-ostree admin
 * deploy} wrote into the active {@code boot/loader.N} and boots its default entry, whose initramfs
 * runs the real {@code ostree-prepare-root}; the booted system reports on the serial console which
 * deployment its {@code /} is. v1, then v2 chosen by GRUB; then a broken v3 (its init exits, the
 * kernel panics and reboots): GRUB counts the tries down in its {@code grubenv} and, when they are
 * used up, boots v2 by itself. The real {@code ostree admin status} reads the disk afterwards.
 */
class GrubQemuBootE2E {

  private static final Duration BOOT = Duration.ofMinutes(5);
  private static final String OS = "proofos";
  private static final long DISK = 384L * 1024 * 1024;
  private static final Pattern REPORTED = Pattern.compile("TREEWAVE-PROOF motd: .*\\n");

  private ScratchDir scratch;
  private Path root;
  private Path disk;
  private GrubSysroot sysroot;

  @BeforeEach
  void setUp() throws IOException {
    scratch = new ScratchDir("grub-boot");
    root = scratch.resolve("sysroot");
    disk = scratch.resolve("disk.img");
  }

  @AfterEach
  void tearDown() {
    scratch.close();
  }

  @Test
  void grubBootsTheNewDefaultAndFallsBackByItselfFromABrokenOne() throws IOException {
    OstreeCli.ostree();
    RequiredTool.require("cpio", ProofOs.HINT);
    RequiredTool.require("grub-mkimage", BiosDisk.HINT);
    String kver = ProofOs.kernelVersion();
    QemuVm.Accel accel = QemuVm.accel(ProofOs.kernel(kver));
    Path initramfs = ProofOs.initramfs(scratch.path, kver, "/dev/vda1");
    sysroot = GrubSysroot.init(root, OS, GrubQemuBootE2E::ours);
    sysroot.bootTries(2);

    String v1 = commit(tree("v1", kver, initramfs, null), "1");
    sysroot.deploy(List.of("root=/dev/vda1", "rw", "console=ttyS0", "panic=1", "quiet"));
    assertThat(bootOnce("v1", accel)).isEqualTo(v1 + ".0");

    String v2 = commit(tree("v2", kver, initramfs, null), "2");
    sysroot.deploy(List.of());
    assertThat(grubEnvOnHost()).containsEntry("boot_counter", "2");
    assertThat(bootOnce("v2", accel)).isEqualTo(v2 + ".0");
    // GRUB's save_env wrote the decremented counter into the disk's block in place.
    assertThat(grubEnvOnDisk().vars())
        .containsEntry("boot_counter", "1")
        .containsEntry("boot_success", "0");

    // v3's init exits at once: the kernel panics and (panic=1) reboots.
    String v3 =
        commit(
            tree(
                "v3",
                kver,
                initramfs,
                "#!/bin/busybox sh\necho TREEWAVE-PROOF v3 init gives up\nexit 1\n"),
            "3");
    sysroot.deploy(List.of());
    sysroot.buildDisk(disk, DISK);
    long t0 = System.nanoTime();
    try (QemuVm vm = QemuVm.boot(QemuVm.Options.disk("v3", disk, accel))) {
      int from = 0;
      for (int attempt = 1; attempt <= 2; attempt++) {
        from = vm.await(Pattern.compile("treewave: loading .* 3 \\(ostree:0\\)"), from, BOOT).end();
        from = vm.await(Pattern.compile("v3 init gives up"), from, BOOT).end();
        from = vm.await(Pattern.compile("Kernel panic"), from, BOOT).end();
      }
      from = vm.await(Pattern.compile("boot counter exhausted"), from, BOOT).end();
      from = vm.await(Pattern.compile("treewave: loading .* 2 \\(ostree:1\\)"), from, BOOT).end();
      vm.await(REPORTED, from, BOOT);
      assertThat(vm.awaitExit(Duration.ofMinutes(1))).as("v2 powered off").isPresent();
      String afterFallback = vm.console().substring(from);
      assertThat(ProofOs.bootedDeployment(afterFallback)).isEqualTo(v2 + ".0");
      assertThat(vm.console()).doesNotContain("TREEWAVE-PROOF prepare-root failed");
      System.out.printf(
          "[e2e] v3 x2 then fallback to v2 (%s): %d ms%n",
          accel, (System.nanoTime() - t0) / 1_000_000);
    }
    assertThat(grubEnvOnDisk().vars())
        .containsEntry("boot_counter", "0")
        .containsEntry("boot_success", "0");

    // Real ostree reads the disk as we deployed it: v3 default, v2 its rollback (mounting a loop
    // device needs root, as SmallFilesystem's tmpfs does).
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "mounting the disk image needs root");
    String theirs = theirStatusOnDisk();
    assertThat(theirs.indexOf(v3 + ".0")).isGreaterThanOrEqualTo(0);
    assertThat(theirs.indexOf(v2 + ".0")).isGreaterThan(theirs.indexOf(v3 + ".0"));
    assertThat(theirs).isEqualTo(sysroot.status());
  }

  /** Builds the disk from the sysroot, boots it once; returns the reported deployment. */
  private String bootOnce(String label, QemuVm.Accel accel) throws IOException {
    long b0 = System.nanoTime();
    sysroot.buildDisk(disk, DISK);
    System.out.printf(
        "[e2e] disk for %s built in %d ms%n", label, (System.nanoTime() - b0) / 1_000_000);
    long t0 = System.nanoTime();
    try (QemuVm vm = QemuVm.boot(QemuVm.Options.disk(label, disk, accel))) {
      vm.await(Pattern.compile("treewave: loading .*\\(ostree:0\\)"), 0, BOOT);
      Matcher done = vm.await(REPORTED, 0, BOOT);
      assertThat(vm.awaitExit(Duration.ofMinutes(1))).as("%s powered off", label).isPresent();
      String console = vm.console();
      assertThat(console)
          .contains("TREEWAVE-PROOF /run/ostree-booted present")
          .contains("TREEWAVE-PROOF motd: " + label)
          .doesNotContain("boot counter exhausted");
      System.out.printf(
          "[e2e] boot of %s (%s): %d ms to the report%n",
          label, accel, (System.nanoTime() - t0) / 1_000_000);
      return ProofOs.bootedDeployment(console.substring(0, done.end()));
    }
  }

  private Path tree(String label, String kver, Path initramfs, String proof) throws IOException {
    Path t = ProofOs.tree(scratch.resolve("tree-" + label), kver, initramfs, proof);
    Files.writeString(t.resolve("usr/etc/motd"), label + "\n");
    Files.writeString(
        t.resolve("usr/lib/os-release"), "PRETTY_NAME=\"treewave boot proof\"\nID=proof\n");
    return t;
  }

  private String commit(Path tree, String version) {
    return sysroot.commit(version, List.of("--owner-uid=0", "--owner-gid=0"), tree);
  }

  private java.util.Map<String, String> grubEnvOnHost() throws IOException {
    return GrubEnv.parse(Files.readAllBytes(root.resolve("boot/loader/grubenv"))).vars();
  }

  private GrubEnv grubEnvOnDisk() throws IOException {
    // the disk was made from the sysroot: its boot/loader link is the host's
    return GrubEnv.parse(BiosDisk.readFile(disk, "/boot/" + sysroot.activeLoader() + "/grubenv"));
  }

  /** The real {@code ostree admin status} on (a copy of) the disk image. */
  private String theirStatusOnDisk() throws IOException {
    Path copy = scratch.resolve("disk-copy.img");
    OstreeCli.run(List.of("cp", "--sparse=always", disk.toString(), copy.toString())).ok();
    Path mnt = scratch.resolve("mnt");
    try {
      return BiosDisk.ostreeAdminStatus(copy, mnt).replace(mnt.toString(), root.toString());
    } finally {
      Files.delete(copy);
    }
  }

  private static String ours(String... args) {
    return dev.treewave.ostree.cli.OstreeCli.runChecked(args);
  }
}
