package dev.treewave.testing.qemu;

import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw disk image a PC BIOS boots through GRUB 2: an MBR with one bootable Linux partition from 1
 * MiB to the end, an ext4 filesystem on it made from a directory ({@code mkfs.ext4 -d}, at an
 * offset, so no loop device), and GRUB's {@code boot.img} in the MBR with a {@code core.img}
 * ({@code grub-mkimage}) in the gap before the partition, which is what {@code grub-bios-setup}
 * would write: {@code core.img}'s first sector already lists the sectors after it, {@code boot.img}
 * only needs the partition table kept and the floppy check patched out. GRUB then reads {@code
 * /boot/grub/grub.cfg} of the partition, its console on the first serial port.
 */
public final class BiosDisk {

  public static final String HINT = "apt-get install grub-pc-bin grub2-common e2fsprogs";

  /** The partition starts here (2048 sectors), the usual alignment; core.img fits before it. */
  public static final long PARTITION_OFFSET = 1024 * 1024;

  private static final Path GRUB_I386 = Path.of("/usr/lib/grub/i386-pc");
  private static final List<String> MODULES =
      List.of(
          "biosdisk",
          "part_msdos",
          "ext2",
          "normal",
          "configfile",
          "echo",
          "test",
          "loadenv",
          "linux",
          "serial",
          "terminal",
          "search",
          "sleep",
          "halt",
          "reboot");

  private BiosDisk() {}

  /**
   * Writes {@code disk} ({@code sizeBytes}, replaced if present) holding {@code rootDir} as its one
   * ext4 partition, bootable through GRUB with the prefix {@code (hd0,msdos1)/boot/grub}.
   */
  public static void build(Path disk, Path rootDir, long sizeBytes) throws IOException {
    Path mkfs = RequiredTool.require("mkfs.ext4", HINT);
    Path mkimage = RequiredTool.require("grub-mkimage", HINT);
    Path bootImg = GRUB_I386.resolve("boot.img");
    if (!Files.isRegularFile(bootImg)) {
      throw RequiredTool.missing(bootImg + " is missing; install it with: " + HINT);
    }
    if (sizeBytes % 512 != 0 || sizeBytes <= PARTITION_OFFSET + 16L * 1024 * 1024) {
      throw new IllegalArgumentException("disk size must be sectors and over 17 MiB: " + sizeBytes);
    }
    Files.deleteIfExists(disk);
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(sizeBytes);
    }
    long partSectors = (sizeBytes - PARTITION_OFFSET) / 512;
    run(
        List.of(
            mkfs.toString(),
            "-q",
            "-F",
            "-E",
            "offset=" + PARTITION_OFFSET,
            "-d",
            rootDir.toAbsolutePath().toString(),
            disk.toString(),
            (partSectors / 2) + "k"));
    Path core = disk.resolveSibling(disk.getFileName() + ".core.img");
    // Embedded in core.img, run before grub.cfg: GRUB's console on the first serial port.
    Path early = disk.resolveSibling(disk.getFileName() + ".early.cfg");
    Files.writeString(
        early, "serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\n");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                mkimage.toString(),
                "-O",
                "i386-pc",
                "-d",
                GRUB_I386.toString(),
                "-o",
                core.toString(),
                "-c",
                early.toString(),
                "-p",
                "(hd0,msdos1)/boot/grub"));
    cmd.addAll(MODULES);
    run(cmd);
    Files.delete(early);
    byte[] coreBytes = Files.readAllBytes(core);
    Files.delete(core);
    if (coreBytes.length > PARTITION_OFFSET - 512) {
      throw new IllegalStateException("core.img of " + coreBytes.length + " bytes does not fit");
    }
    byte[] mbr = Files.readAllBytes(bootImg);
    if (mbr.length != 512) {
      throw new IllegalStateException(bootImg + " is not one sector");
    }
    ByteBuffer b = ByteBuffer.wrap(mbr).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0x5c, 1); // where core.img starts (sector 1)
    b.put(0x66, (byte) 0x90).put(0x67, (byte) 0x90); // a hard disk: no floppy probing
    // The partition table: one active Linux partition, LBA only (CHS fields saturated).
    b.position(0x1be);
    b.put((byte) 0x80).put(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff});
    b.put((byte) 0x83).put(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff});
    b.putInt((int) (PARTITION_OFFSET / 512)).putInt((int) partSectors);
    b.put(new byte[48]); // the other three entries empty
    b.put((byte) 0x55).put((byte) 0xaa);
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.seek(0);
      f.write(mbr, 0, 0x1b8); // boot code, keeping the disk signature as written
      f.seek(0x1be);
      f.write(mbr, 0x1be, 512 - 0x1be);
      f.seek(512);
      f.write(coreBytes);
    }
  }

  /** {@code debugfs -R "cat PATH"} on the disk's filesystem: reads a file without mounting. */
  public static byte[] readFile(Path disk, String path) throws IOException {
    Path debugfs = RequiredTool.require("debugfs", HINT);
    Processes.Result r =
        Processes.run(
            new ProcessBuilder(
                debugfs.toString(), "-R", "cat " + path, disk + "?offset=" + PARTITION_OFFSET),
            Duration.ofSeconds(60));
    if (r.exitCode() != 0) {
      throw new IOException("debugfs cat " + path + ": " + r.stderr().strip());
    }
    return r.stdoutBytes();
  }

  /**
   * The real {@code ostree admin status} of the sysroot on a copy of a disk, its partition mounted
   * (a loop device: root only) on {@code mountPoint} for the call and unmounted after. A copy,
   * because the guest's ext4 journal usually needs replaying (the guest powered off or runs on),
   * which a read-only mount refuses; the VM's disk itself stays untouched. Paths in the output
   * start with {@code mountPoint}.
   */
  public static String ostreeAdminStatus(Path diskCopy, Path mountPoint) throws IOException {
    Path ostree = RequiredTool.require("ostree", "apt-get install ostree");
    Files.createDirectories(mountPoint);
    run(
        List.of(
            "mount",
            "-o",
            "loop,offset=" + PARTITION_OFFSET,
            diskCopy.toString(),
            mountPoint.toString()));
    try {
      Processes.Result r =
          Processes.run(
              new ProcessBuilder(ostree.toString(), "admin", "status", "--sysroot=" + mountPoint),
              Duration.ofMinutes(1));
      if (r.exitCode() != 0) {
        throw new IOException("ostree admin status: " + r.stderr().strip());
      }
      return r.stdout();
    } finally {
      run(List.of("umount", mountPoint.toString()));
    }
  }

  private static void run(List<String> cmd) throws IOException {
    Processes.Result r = Processes.run(new ProcessBuilder(cmd), Duration.ofMinutes(5));
    if (r.exitCode() != 0) {
      throw new IOException(
          String.join(" ", cmd) + " failed (" + r.exitCode() + "): " + r.stderr().strip());
    }
  }
}
