package dev.treewave.testing.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a simulated machine's kernel and bootloader leave for a node agent to read: a fake {@code
 * /proc} holding the kernel command line ({@code cmdline}, whose {@code ostree=} names the booted
 * deployment) and the boot id ({@code sys/kernel/random/boot_id}), and the {@code
 * run/ostree-booted} marker under the machine's root. The caller plays the bootloader: it picks a
 * boot entry from its sysroot and {@link #boot boots} that entry's options.
 *
 * <p>The core of node-agent's {@code ScratchHost} (which e2e-kind's {@code SimulatedNode} builds on
 * in turn). Reading boot entries and deploying are there, not here: that is the ostree library's
 * sysroot, and the ostree module's tests depend on this module.
 */
public final class ScratchMachine {

  private final Path root;
  private final Path proc;
  private final AtomicInteger boots = new AtomicInteger();

  private ScratchMachine(Path root, Path proc) {
    this.root = root;
    this.proc = proc;
  }

  /**
   * A machine at {@code root} with its fake {@code /proc} at {@code proc}: an empty command line
   * (not booted from OSTree yet) and a first boot id.
   */
  public static ScratchMachine create(Path root, Path proc) throws IOException {
    Files.createDirectories(root);
    Files.createDirectories(proc.resolve("sys/kernel/random"));
    ScratchMachine machine = new ScratchMachine(root, proc);
    Files.writeString(machine.cmdlineFile(), "");
    machine.newBootId();
    return machine;
  }

  public Path root() {
    return root;
  }

  public Path proc() {
    return proc;
  }

  /**
   * The machine boots (a new boot id) with {@code kernelArguments} as its command line, from OSTree
   * (the marker exists afterwards).
   */
  public void boot(String kernelArguments) throws IOException {
    Files.writeString(cmdlineFile(), kernelArguments + "\n");
    newBootId();
    markOstreeBooted();
    boots.incrementAndGet();
  }

  /** Boots so far (not counting {@link #create}). */
  public int boots() {
    return boots.get();
  }

  /** The kernel command line, as {@code /proc/cmdline} reads. */
  public String cmdline() {
    return read(cmdlineFile());
  }

  public String bootId() {
    return read(bootIdFile()).strip();
  }

  /** As a host that was not booted from OSTree: {@code run/ostree-booted} is gone. */
  public void markNotOstreeBooted() throws IOException {
    Files.deleteIfExists(marker());
  }

  public void markOstreeBooted() throws IOException {
    Files.createDirectories(marker().getParent());
    if (!Files.exists(marker())) {
      Files.createFile(marker());
    }
  }

  private void newBootId() throws IOException {
    Files.writeString(bootIdFile(), UUID.randomUUID() + "\n");
  }

  private Path cmdlineFile() {
    return proc.resolve("cmdline");
  }

  private Path bootIdFile() {
    return proc.resolve("sys/kernel/random/boot_id");
  }

  private Path marker() {
    return root.resolve("run/ostree-booted");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
