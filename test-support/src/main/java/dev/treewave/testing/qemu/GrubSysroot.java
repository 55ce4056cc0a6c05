package dev.treewave.testing.qemu;

import dev.treewave.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The host-side sysroot of a VM that boots through GRUB: made with {@code treewave-ostree admin
 * init-fs} and {@code os-init}, GRUB's {@code boot/grub/grub.cfg} linked to the loader's (as
 * libostree's GRUB integration has it, so the {@code boot/loader} swap switches GRUB's menu too),
 * trees committed to {@code OS/stable} and deployed, and the {@link BiosDisk} built from it. What
 * the real-boot E2Es share, so each says only what it boots and what it expects.
 */
public final class GrubSysroot {

  /** {@code treewave-ostree} with these arguments, run in the test's JVM; returns its stdout. */
  @FunctionalInterface
  public interface TreewaveOstree {
    String run(String... args);
  }

  /** The Debian tree's kernel command line: a short, quiet boot with its console on ttyS0. */
  public static final List<String> DEBIAN_KARGS =
      List.of(
          "root=/dev/vda1",
          "rw",
          "console=ttyS0",
          "panic=1",
          "quiet",
          "systemd.show_status=0",
          "fsck.mode=skip");

  /**
   * {@link #DEBIAN_KARGS} for a VM that runs the agent, which needs the network: the NIC keeps the
   * kernel's name, so udev cannot rename it while the tree's {@code treewave-net} configures it.
   */
  public static final List<String> AGENT_VM_KARGS =
      java.util.stream.Stream.concat(
              DEBIAN_KARGS.stream(), java.util.stream.Stream.of("net.ifnames=0"))
          .toList();

  /**
   * Makes everything under {@code dir} deletable again: deployments are immutable ({@code chattr
   * +i}, as ostree makes them), so JUnit's {@code @TempDir} could not remove them.
   */
  public static void unlock(Path dir) throws IOException {
    Processes.run(
        new ProcessBuilder("chattr", "-R", "-f", "-i", dir.toString()), Duration.ofMinutes(1));
  }

  private final Path root;
  private final String os;
  private final TreewaveOstree cli;

  private GrubSysroot(Path root, String os, TreewaveOstree cli) {
    this.root = root;
    this.os = os;
    this.cli = cli;
  }

  /** A new sysroot at {@code root} with the stateroot {@code os}. */
  public static GrubSysroot init(Path root, String os, TreewaveOstree cli) throws IOException {
    Files.createDirectories(root);
    cli.run("admin", "init-fs", root.toString());
    cli.run("admin", "os-init", "--sysroot=" + root, os);
    Files.createDirectories(root.resolve("boot/grub"));
    Files.createSymbolicLink(root.resolve("boot/grub/grub.cfg"), Path.of("../loader/grub.cfg"));
    return new GrubSysroot(root, os, cli);
  }

  public Path root() {
    return root;
  }

  public Path repo() {
    return root.resolve("ostree/repo");
  }

  /** The branch every commit goes to: {@code OS/stable}. */
  public String branch() {
    return os + "/stable";
  }

  /** Arms GRUB boot counting for later deployments: {@code tries} boots of a new default. */
  public void bootTries(int tries) throws IOException {
    Files.writeString(
        repo().resolve("config"),
        "[sysroot]\ntreewave-boot-tries=" + tries + "\n",
        StandardOpenOption.APPEND);
  }

  /**
   * Commits the overlay of {@code trees} to {@link #branch()} with {@code version} as its version
   * metadata and {@code extra} arguments; returns the commit.
   */
  public String commit(String version, List<String> extra, Path... trees) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--repo=" + repo(),
                "commit",
                "--branch=" + branch(),
                "--add-metadata-string=version=" + version));
    args.addAll(extra);
    for (Path t : trees) {
      args.add("--tree=dir=" + t);
    }
    return cli.run(args.toArray(String[]::new)).strip();
  }

  /** Deploys {@link #branch()} as the new default with these kernel arguments (none: merged). */
  public void deploy(List<String> kargs) {
    List<String> args =
        new ArrayList<>(List.of("admin", "deploy", "--sysroot=" + root, "--os=" + os));
    kargs.forEach(k -> args.add("--karg=" + k));
    args.add(branch());
    cli.run(args.toArray(String[]::new));
  }

  /** {@code treewave-ostree admin status} of the host-side sysroot. */
  public String status() {
    return cli.run("admin", "status", "--sysroot=" + root);
  }

  /** (Re)writes {@code disk} from the sysroot as it is now. */
  public void buildDisk(Path disk, long sizeBytes) throws IOException {
    BiosDisk.build(disk, root, sizeBytes);
  }

  /** The {@code boot/loader.N} the sysroot's {@code boot/loader} link names now. */
  public String activeLoader() throws IOException {
    return Files.readSymbolicLink(root.resolve("boot/loader")).toString();
  }
}
