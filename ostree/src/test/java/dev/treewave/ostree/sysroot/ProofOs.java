package dev.treewave.ostree.sysroot;

import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A tiny bootable OS for the boot proofs: the host's Debian kernel, a busybox initramfs that loads
 * virtio, mounts the root device and runs the real {@code ostree-prepare-root} before {@code
 * switch_root}, and a tree whose {@code /usr/bin/proof} (its init) reports on the serial console
 * which deployment its {@code /} is, then powers off.
 */
final class ProofOs {

  static final List<String> MODULES =
      List.of(
          "virtio_ring",
          "virtio",
          "virtio_pci_legacy_dev",
          "virtio_pci_modern_dev",
          "virtio_pci",
          "virtio_blk");
  static final String HINT =
      "apt-get install qemu-system-x86 busybox-static ostree-boot linux-image-cloud-amd64 cpio";

  private ProofOs() {}

  static Path busybox() {
    return requireFile(Path.of("/bin/busybox"));
  }

  static Path prepareRoot() {
    return requireFile(Path.of("/usr/lib/ostree/ostree-prepare-root"));
  }

  static Path kernel(String kver) {
    return requireFile(Path.of("/boot/vmlinuz-" + kver));
  }

  static Path requireFile(Path p) {
    if (!Files.isRegularFile(p)) {
      throw RequiredTool.missing(p + " is missing; install it with: " + HINT);
    }
    return p;
  }

  /** A kernel version with both /boot/vmlinuz-KVER and /lib/modules/KVER. */
  static String kernelVersion() throws IOException {
    Path modules = Path.of("/lib/modules");
    if (Files.isDirectory(modules)) {
      try (Stream<Path> s = Files.list(modules)) {
        for (Path p : s.sorted().toList()) {
          String v = p.getFileName().toString();
          if (Files.isRegularFile(Path.of("/boot/vmlinuz-" + v))) {
            return v;
          }
        }
      }
    }
    throw RequiredTool.missing("no kernel in /boot with modules; install it with: " + HINT);
  }

  /** The initramfs (gzip cpio) in {@code scratch}, mounting {@code rootDevice} as the sysroot. */
  static Path initramfs(Path scratch, String kver, String rootDevice) throws IOException {
    Path busybox = busybox();
    Path prepareRoot = prepareRoot();
    Path i = scratch.resolve("initramfs");
    for (String d :
        List.of(
            "bin",
            "dev",
            "proc",
            "sys",
            "run",
            "sysroot",
            "lib/modules",
            "usr/lib/ostree",
            "lib64",
            "lib/x86_64-linux-gnu")) {
      Files.createDirectories(i.resolve(d));
    }
    Files.copy(busybox, i.resolve("bin/busybox"));
    for (String applet : List.of("sh", "mount", "insmod", "switch_root", "sleep")) {
      Files.createSymbolicLink(i.resolve("bin/" + applet), Path.of("busybox"));
    }
    for (String m : MODULES) {
      Path ko;
      try (Stream<Path> s = Files.walk(Path.of("/lib/modules/" + kver))) {
        ko =
            s.filter(p -> p.getFileName().toString().equals(m + ".ko"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("kernel module " + m + " not found"));
      }
      Files.copy(ko, i.resolve("lib/modules/" + m + ".ko"));
    }
    Files.copy(prepareRoot, i.resolve("usr/lib/ostree/ostree-prepare-root"));
    Matcher lib =
        Pattern.compile("(/lib[^ ]*)")
            .matcher(OstreeCli.run(List.of("ldd", prepareRoot.toString())).ok().out());
    while (lib.find()) {
      Path l = Path.of(lib.group(1));
      Path dest =
          l.startsWith("/lib64")
              ? i.resolve("lib64/" + l.getFileName())
              : i.resolve("lib/x86_64-linux-gnu/" + l.getFileName());
      Files.copy(l.toRealPath(), dest);
    }
    String init =
        String.join(
            "\n",
            "#!/bin/sh",
            "mount -t proc proc /proc; mount -t sysfs sys /sys",
            "mount -t devtmpfs dev /dev; mount -t tmpfs run /run",
            "for m in " + String.join(" ", MODULES) + "; do insmod /lib/modules/$m.ko; done",
            "for i in 1 2 3 4 5 6 7 8 9 10; do [ -b " + rootDevice + " ] && break; sleep 1; done",
            "mount -t ext4 -o rw " + rootDevice + " /sysroot",
            "/usr/lib/ostree/ostree-prepare-root /sysroot || echo TREEWAVE-PROOF prepare-root failed",
            "for m in run proc sys dev; do mount --move /$m /sysroot/$m; done",
            "exec switch_root /sysroot /usr/bin/proof",
            "");
    executable(i.resolve("init"), init);
    Path out = scratch.resolve("initramfs.img");
    OstreeCli.run(
            List.of(
                "sh",
                "-c",
                "cd '" + i + "' && find . | cpio -o -H newc --quiet | gzip -1 > '" + out + "'"))
        .ok();
    return out;
  }

  /**
   * The OS tree in {@code dir}: kernel and initramfs under {@code usr/lib/modules/KVER}, busybox,
   * and {@code usr/bin/proof}: {@code proofScript} when given (e.g. one that fails), else the
   * reporting one.
   */
  static Path tree(Path dir, String kver, Path initramfs, String proofScript) throws IOException {
    Path t = dir;
    Path mod = t.resolve("usr/lib/modules/" + kver);
    Files.createDirectories(mod);
    Files.createDirectories(t.resolve("usr/bin"));
    Files.createDirectories(t.resolve("usr/etc"));
    for (String d : List.of("sysroot", "boot", "proc", "sys", "dev", "run", "tmp", "var")) {
      Files.createDirectories(t.resolve(d));
    }
    Files.createSymbolicLink(t.resolve("bin"), Path.of("usr/bin"));
    Files.createSymbolicLink(t.resolve("ostree"), Path.of("sysroot/ostree"));
    Files.copy(kernel(kver), mod.resolve("vmlinuz"));
    Files.copy(initramfs, mod.resolve("initramfs.img"));
    Files.copy(busybox(), t.resolve("usr/bin/busybox"));
    Files.writeString(t.resolve("usr/lib/os-release"), "PRETTY_NAME=\"treewave boot proof\"\n");
    Files.writeString(t.resolve("usr/etc/hostname"), "proof-host\n");
    executable(t.resolve("usr/bin/proof"), proofScript != null ? proofScript : reportingProof());
    return t;
  }

  /** Reports cmdline, root inode and each deployment's inode, then powers off. */
  static String reportingProof() {
    return String.join(
        "\n",
        "#!/bin/busybox sh",
        "B=/bin/busybox",
        "echo \"TREEWAVE-PROOF cmdline: $($B cat /proc/cmdline)\"",
        "echo \"TREEWAVE-PROOF root: $($B stat -c %d:%i /)\"",
        "for d in /sysroot/ostree/deploy/*/deploy/*.[0-9]; do",
        "  echo \"TREEWAVE-PROOF deployment $($B basename $d): $($B stat -c %d:%i $d)\"",
        "done",
        "[ -e /run/ostree-booted ] && echo \"TREEWAVE-PROOF /run/ostree-booted present\"",
        "echo \"TREEWAVE-PROOF hostname file: $($B cat /etc/hostname)\"",
        "echo \"TREEWAVE-PROOF motd: $($B cat /etc/motd 2>/dev/null)\"",
        "$B sync",
        "$B poweroff -f",
        "");
  }

  /**
   * The deployment directory the booted system's {@code /} is, from the console of one boot; null
   * when that boot did not report.
   */
  static String bootedDeployment(String console) {
    Matcher rootId = Pattern.compile("TREEWAVE-PROOF root: (\\d+:\\d+)").matcher(console);
    if (!rootId.find()) {
      return null;
    }
    Matcher booted =
        Pattern.compile("TREEWAVE-PROOF deployment (\\S+): " + rootId.group(1) + "\\s")
            .matcher(console);
    return booted.find() ? booted.group(1) : null;
  }

  static void executable(Path p, String content) throws IOException {
    Files.writeString(p, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
