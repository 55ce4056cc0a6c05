package dev.treewave.ostree.sysroot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import dev.treewave.testing.qemu.BiosDisk;
import dev.treewave.testing.qemu.QemuVm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  private static final Duration BUILD = Duration.ofMinutes(20);
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
    Path tree = osTree();
    String kver = Files.readString(tree.resolveSibling("kver")).strip();
    QemuVm.Accel accel = QemuVm.accel(tree.resolve("usr/lib/modules/" + kver + "/vmlinuz"));

    long c0 = System.nanoTime();
    Path repo = root.resolve("ostree/repo");
    Files.createDirectories(root);
    ours("admin", "init-fs", root.toString());
    ours("admin", "os-init", "--sysroot=" + root, OS);
    Files.createDirectories(root.resolve("boot/grub"));
    Files.createSymbolicLink(root.resolve("boot/grub/grub.cfg"), Path.of("../loader/grub.cfg"));
    String v1 =
        ours(
                "--repo=" + repo,
                "commit",
                "--branch=" + OS + "/stable",
                "--add-metadata-string=version=1",
                "--tree=dir=" + tree)
            .strip();
    ours(
        "admin",
        "deploy",
        "--sysroot=" + root,
        "--os=" + OS,
        "--karg=root=/dev/vda1",
        "--karg=rw",
        "--karg=console=ttyS0",
        "--karg=panic=1",
        "--karg=quiet",
        "--karg=systemd.show_status=0",
        "--karg=fsck.mode=skip",
        OS + "/stable");
    BiosDisk.build(disk, root, DISK);
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

  /** The cached tree from {@code e2e-kind/vm/build-os.sh}, built now if the cache lacks it. */
  private static Path osTree() throws IOException {
    Path script = Path.of("").toAbsolutePath().getParent().resolve("e2e-kind/vm/build-os.sh");
    long b0 = System.nanoTime();
    Processes.Result r =
        Processes.run(
            new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT),
            BUILD);
    assertThat(r.exitCode()).as("build-os.sh: %s", r.stderr()).isZero();
    System.out.printf("[e2e] OS tree ready in %d ms%n", (System.nanoTime() - b0) / 1_000_000);
    return Path.of(r.stdout().strip());
  }

  private static String ours(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        dev.treewave.ostree.cli.OstreeCli.run(args, new PrintWriter(out), new PrintWriter(err));
    assertThat(code).as("treewave-ostree %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }
}
