package dev.treewave.agent.testing;

import dev.treewave.agent.host.HostManagementProbe;
import dev.treewave.agent.host.HostOsException;
import dev.treewave.agent.host.PullRequest;
import dev.treewave.agent.host.VerificationPolicy;
import dev.treewave.agent.host.ostree.OstreeHostOs;
import dev.treewave.ostree.sysroot.BootedSource;
import dev.treewave.ostree.sysroot.DeployOptions;
import dev.treewave.ostree.sysroot.Deployment;
import dev.treewave.ostree.sysroot.LocalSysrootFs;
import dev.treewave.ostree.sysroot.RepoTreeSource;
import dev.treewave.ostree.sysroot.SpaceReserve;
import dev.treewave.ostree.sysroot.Sysroot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * A scratch machine for the real {@link OstreeHostOs}: an OSTree sysroot made with the sysroot
 * code, and a fake {@code /proc} beside it holding the kernel command line ({@code ostree=} names
 * the booted deployment) and the boot id. The test plays the bootloader with {@link #bootDefault}.
 * An agent process is pointed at it with {@code --host-root=root --proc=proc}.
 *
 * <p>Not merged with e2e-kind's {@code SimulatedNode}, which shares the bootloader's few lines:
 * that one is a whole machine (sysroot, its in-JVM agent and an automatic bootloader that restarts
 * the agent) for the E2Es and the demo, and lives in e2e-kind's main code because {@code bin/demo}
 * runs it; this one is only the host, for the adapter under test or an agent in its own JVM, laid
 * out as a real {@code /proc} so {@code --proc} reads it. The only module both could share is
 * node-agent's main jar, which must not carry a simulated bootloader.
 */
public final class ScratchHost {

  private final Path root;
  private final Path proc;

  private ScratchHost(Path root, Path proc) {
    this.root = root;
    this.proc = proc;
  }

  /** A fresh sysroot at {@code root} with {@code commit} pulled (verified), deployed and booted. */
  public static ScratchHost install(Path root, Path proc, String osName, PullRequest request)
      throws IOException {
    Files.createDirectories(proc.resolve("sys/kernel/random"));
    Sysroot.initFs(root, new LocalSysrootFs());
    ScratchHost scratch = new ScratchHost(root, proc);
    Files.writeString(proc.resolve("cmdline"), "");
    Files.writeString(proc.resolve("sys/kernel/random/boot_id"), UUID.randomUUID() + "\n");
    try {
      scratch.host().pull(request, p -> {});
    } catch (HostOsException e) {
      throw new IOException(e);
    }
    Sysroot sysroot = Sysroot.builder(root, RepoTreeSource.forSysroot(root)).build();
    sysroot.osInit(osName);
    sysroot.deploy(DeployOptions.of(request.commit()).withOsname(osName));
    scratch.bootDefault();
    return scratch;
  }

  public Path root() {
    return root;
  }

  public Path proc() {
    return proc;
  }

  /** The adapter as the agent builds it from {@code --host-root} and {@code --proc}. */
  public OstreeHostOs host() {
    return host(OstreeHostOs.FreeSpaceProbe.FILE_STORE);
  }

  public OstreeHostOs host(OstreeHostOs.FreeSpaceProbe freeSpace) {
    return new OstreeHostOs(
        root, bootedSource(), new HostManagementProbe(root, proc), this::bootId, freeSpace);
  }

  public BootedSource bootedSource() {
    return new BootedSource(root.resolve("run"), this::cmdline, root);
  }

  /** The bootloader's part: boot the first entry (its options become the command line). */
  public void bootDefault() throws IOException {
    Sysroot sysroot =
        Sysroot.builder(root, RepoTreeSource.forSysroot(root))
            .bootedSource(BootedSource.notBooted(root.resolve("run")))
            .spaceReserve(SpaceReserve.none())
            .build();
    Deployment first = sysroot.state().deployments().get(0);
    Files.writeString(proc.resolve("cmdline"), first.kargs().toString() + "\n");
    Files.writeString(proc.resolve("sys/kernel/random/boot_id"), UUID.randomUUID() + "\n");
    Files.createDirectories(root.resolve("run"));
    if (!Files.exists(root.resolve("run/ostree-booted"))) {
      Files.createFile(root.resolve("run/ostree-booted"));
    }
  }

  /**
   * The bootloader falls back: the machine reboots (new boot id) into the second boot entry (the
   * previous deployment), as when the new default failed to boot. Its entry's options, as written
   * by the last bootloader update, become the command line.
   */
  public void bootFallback() throws IOException {
    Sysroot sysroot =
        Sysroot.builder(root, RepoTreeSource.forSysroot(root))
            .bootedSource(BootedSource.notBooted(root.resolve("run")))
            .spaceReserve(SpaceReserve.none())
            .build();
    Deployment second = sysroot.state().deployments().get(1);
    Files.writeString(proc.resolve("cmdline"), second.kargs().toString() + "\n");
    Files.writeString(proc.resolve("sys/kernel/random/boot_id"), UUID.randomUUID() + "\n");
  }

  /** What the sysroot itself says is booted (independent of any agent's report). */
  public Optional<String> bootedCommit() throws IOException {
    return sysroot().state().booted().map(Deployment.Id::csum);
  }

  /** The commit the next boot starts. */
  public String defaultCommit() throws IOException {
    return sysroot().state().deployments().get(0).csum();
  }

  public String bootId() {
    try {
      return Files.readString(proc.resolve("sys/kernel/random/boot_id")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String cmdline() {
    try {
      return Files.readString(proc.resolve("cmdline"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Sysroot sysroot() {
    return Sysroot.builder(root, RepoTreeSource.forSysroot(root))
        .bootedSource(bootedSource())
        .build();
  }

  /** Deployment directories are made immutable (as ostree does); a test undoes that to clean up. */
  public void unlock() throws IOException {
    Path deploy = root.resolve("ostree/deploy");
    if (!Files.isDirectory(deploy)) {
      return;
    }
    try (var oses = Files.list(deploy)) {
      for (Path os : oses.toList()) {
        Path dir = os.resolve("deploy");
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (var dirs = Files.list(dir)) {
          for (Path d : dirs.filter(Files::isDirectory).toList()) {
            new LocalSysrootFs().setImmutable(d, false);
          }
        }
      }
    }
  }

  /** A pull request for the agent's policy. */
  public static PullRequest request(
      String url, String ref, String commit, VerificationPolicy policy) {
    return new PullRequest(URI.create(url), ref, commit, policy);
  }
}
