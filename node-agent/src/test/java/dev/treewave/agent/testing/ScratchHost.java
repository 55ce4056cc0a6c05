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
import dev.treewave.testing.host.ScratchMachine;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A scratch machine for the real {@link OstreeHostOs}: an OSTree sysroot made with the sysroot
 * code, and a fake {@code /proc} beside it holding the kernel command line ({@code ostree=} names
 * the booted deployment) and the boot id (test-support's {@link ScratchMachine}). The test plays
 * the bootloader with {@link #bootDefault}. An agent process is pointed at it with {@code
 * --host-root=root --proc=proc}.
 *
 * <p>The one place that deploys into a scratch sysroot and reads its boot entries: e2e-kind's
 * {@code SimulatedNode} (an in-JVM agent and an automatic bootloader, for the E2Es and the demo)
 * builds on this class too, through node-agent's test-jar, which holds this package only. It cannot
 * live in test-support: the ostree module's tests depend on test-support, so that sits below the
 * ostree library.
 */
public final class ScratchHost {

  private final ScratchMachine machine;

  private ScratchHost(ScratchMachine machine) {
    this.machine = machine;
  }

  /** A fresh sysroot at {@code root} with {@code commit} pulled (verified), deployed and booted. */
  public static ScratchHost install(Path root, Path proc, String osName, PullRequest request)
      throws IOException {
    Sysroot.initFs(root, new LocalSysrootFs());
    ScratchHost scratch = new ScratchHost(ScratchMachine.create(root, proc));
    try {
      scratch.host().pull(request, p -> {});
    } catch (HostOsException e) {
      throw new IOException(e);
    }
    scratch.deployAndBoot(osName, request.commit());
    return scratch;
  }

  /**
   * For a caller that pulled {@code commit} itself into the sysroot at {@code root} (made with
   * {@link Sysroot#initFs}): deploys it as {@code osName} and boots it.
   */
  public static ScratchHost deploy(Path root, Path proc, String osName, String commit)
      throws IOException {
    ScratchHost scratch = new ScratchHost(ScratchMachine.create(root, proc));
    scratch.deployAndBoot(osName, commit);
    return scratch;
  }

  private void deployAndBoot(String osName, String commit) throws IOException {
    Sysroot sysroot = Sysroot.builder(root(), RepoTreeSource.forSysroot(root())).build();
    sysroot.osInit(osName);
    sysroot.deploy(DeployOptions.of(commit).withOsname(osName));
    bootDefault();
  }

  /** The command line, boot id and marker, for a harness that plays more of the machine. */
  public ScratchMachine machine() {
    return machine;
  }

  public Path root() {
    return machine.root();
  }

  public Path proc() {
    return machine.proc();
  }

  /** The adapter as the agent builds it from {@code --host-root} and {@code --proc}. */
  public OstreeHostOs host() {
    return host(OstreeHostOs.FreeSpaceProbe.FILE_STORE);
  }

  public OstreeHostOs host(OstreeHostOs.FreeSpaceProbe freeSpace) {
    return new OstreeHostOs(
        root(),
        bootedSource(),
        new HostManagementProbe(root(), proc()),
        machine::bootId,
        freeSpace);
  }

  /**
   * As the agent reads the host. The booted root is the sysroot's root, which is no deployment's
   * directory (nor would a missing path be), so the {@code ostree=} argument of the command line
   * decides what is booted.
   */
  public BootedSource bootedSource() {
    return new BootedSource(root().resolve("run"), machine::cmdline, root());
  }

  /** The bootloader's part: boot the first entry (its options become the command line). */
  public void bootDefault() throws IOException {
    machine.boot(bootEntry(0).kargs().toString());
  }

  /**
   * The bootloader falls back: the machine reboots (new boot id) into the second boot entry (the
   * previous deployment), as when the new default failed to boot. Its entry's options, as written
   * by the last bootloader update, become the command line.
   */
  public void bootFallback() throws IOException {
    machine.boot(bootEntry(1).kargs().toString());
  }

  /** Boot entry {@code index} (0 is the default), read as a bootloader reads it. */
  private Deployment bootEntry(int index) throws IOException {
    Sysroot sysroot =
        Sysroot.builder(root(), RepoTreeSource.forSysroot(root()))
            .bootedSource(BootedSource.notBooted(root().resolve("run")))
            .spaceReserve(SpaceReserve.none())
            .build();
    return sysroot.state().deployments().get(index);
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
    return machine.bootId();
  }

  private Sysroot sysroot() {
    return Sysroot.builder(root(), RepoTreeSource.forSysroot(root()))
        .bootedSource(bootedSource())
        .build();
  }

  /** Deployment directories are made immutable (as ostree does); a test undoes that to clean up. */
  public void unlock() throws IOException {
    Path deploy = root().resolve("ostree/deploy");
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
