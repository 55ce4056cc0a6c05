package dev.treewave.ostree.sysroot;

import static org.assertj.core.api.Assertions.assertThat;

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

  private static final List<String> MODULES =
      List.of(
          "virtio_ring",
          "virtio",
          "virtio_pci_legacy_dev",
          "virtio_pci_modern_dev",
          "virtio_pci",
          "virtio_blk");
  private static final String HINT =
      "apt-get install qemu-system-x86 busybox-static ostree-boot linux-image-cloud-amd64 cpio";

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
    Path qemu = RequiredTool.require("qemu-system-x86_64", HINT);
    RequiredTool.require("mkfs.ext4", "apt-get install e2fsprogs");
    RequiredTool.require("cpio", HINT);
    Path busybox = requireFile(Path.of("/bin/busybox"));
    Path prepareRoot = requireFile(Path.of("/usr/lib/ostree/ostree-prepare-root"));
    String kver = kernelVersion();
    Path kernel = requireFile(Path.of("/boot/vmlinuz-" + kver));

    Path initramfs = buildInitramfs(kver, busybox, prepareRoot);
    Path tree = buildTree(kver, kernel, initramfs, busybox);

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
    Matcher rootId = Pattern.compile("TREEWAVE-PROOF root: (\\d+:\\d+)").matcher(console);
    assertThat(rootId.find())
        .as("%s: booted system reported its root:\n%s", label, tail(console))
        .isTrue();
    assertThat(console)
        .contains("TREEWAVE-PROOF cmdline: " + entry.get("options").orElseThrow())
        .contains("TREEWAVE-PROOF /run/ostree-booted present")
        .contains("TREEWAVE-PROOF hostname file: proof-host");
    Matcher booted =
        Pattern.compile("TREEWAVE-PROOF deployment (\\S+): " + rootId.group(1) + "\\s")
            .matcher(console);
    assertThat(booted.find()).as("%s: no deployment is the booted root", label).isTrue();
    return booted.group(1);
  }

  private static String tail(String s) {
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

  private static Path requireFile(Path p) {
    if (!Files.isRegularFile(p)) {
      throw RequiredTool.missing(p + " is missing; install it with: " + HINT);
    }
    return p;
  }

  /** A kernel version with both /boot/vmlinuz-KVER and /lib/modules/KVER. */
  private static String kernelVersion() throws IOException {
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

  private Path buildInitramfs(String kver, Path busybox, Path prepareRoot) throws IOException {
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
            "for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 1; done",
            "mount -t ext4 -o rw /dev/vda /sysroot",
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

  private Path buildTree(String kver, Path kernel, Path initramfs, Path busybox)
      throws IOException {
    Path t = scratch.resolve("tree");
    Path mod = t.resolve("usr/lib/modules/" + kver);
    Files.createDirectories(mod);
    Files.createDirectories(t.resolve("usr/bin"));
    Files.createDirectories(t.resolve("usr/etc"));
    for (String d : List.of("sysroot", "boot", "proc", "sys", "dev", "run", "tmp", "var")) {
      Files.createDirectories(t.resolve(d));
    }
    Files.createSymbolicLink(t.resolve("bin"), Path.of("usr/bin"));
    Files.createSymbolicLink(t.resolve("ostree"), Path.of("sysroot/ostree"));
    Files.copy(kernel, mod.resolve("vmlinuz"));
    Files.copy(initramfs, mod.resolve("initramfs.img"));
    Files.copy(busybox, t.resolve("usr/bin/busybox"));
    Files.writeString(t.resolve("usr/lib/os-release"), "PRETTY_NAME=\"treewave boot proof\"\n");
    Files.writeString(t.resolve("usr/etc/hostname"), "proof-host\n");
    String proof =
        String.join(
            "\n",
            "#!/bin/busybox sh",
            "B=/bin/busybox",
            "echo \"TREEWAVE-PROOF cmdline: $($B cat /proc/cmdline)\"",
            "echo \"TREEWAVE-PROOF root: $($B stat -c %d:%i /)\"",
            "for d in /sysroot/ostree/deploy/proofos/deploy/*.[0-9]; do",
            "  echo \"TREEWAVE-PROOF deployment $($B basename $d): $($B stat -c %d:%i $d)\"",
            "done",
            "[ -e /run/ostree-booted ] && echo \"TREEWAVE-PROOF /run/ostree-booted present\"",
            "echo \"TREEWAVE-PROOF hostname file: $($B cat /etc/hostname)\"",
            "$B sync",
            "$B poweroff -f",
            "");
    executable(t.resolve("usr/bin/proof"), proof);
    return t;
  }

  private static void executable(Path p, String content) throws IOException {
    Files.writeString(p, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
