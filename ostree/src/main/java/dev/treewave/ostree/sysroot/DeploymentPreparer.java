package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds a new deployment directory (ostree-format.md section 7.2 steps 1-9): checkout, kernel
 * discovery, {@code /etc} from {@code usr/etc}, the 3-way merge, origin, seal. Touches nothing the
 * boot configuration references, so a failure here leaves only an unreferenced directory.
 */
final class DeploymentPreparer {

  private final SysrootPaths paths;
  private final SysrootFs fs;
  private final TreeSource tree;
  private final BootedSource bootedSource;
  private final SpaceReserve reserve;
  private final SpaceReserve.DiskSpace disk;

  DeploymentPreparer(
      SysrootPaths paths,
      SysrootFs fs,
      TreeSource tree,
      BootedSource bootedSource,
      SpaceReserve reserve,
      SpaceReserve.DiskSpace disk) {
    this.paths = paths;
    this.fs = fs;
    this.tree = tree;
    this.bootedSource = bootedSource;
    this.reserve = reserve;
    this.disk = disk;
  }

  /** Checks out, finds the kernel, prepares /etc and writes the origin; no boot changes. */
  Deployment prepare(Deployment.Id id, Path dir, DeployOptions opts, Optional<Deployment> merge)
      throws IOException {
    tree.checkout(id.csum(), dir);
    KernelLayout kernel = KernelLayout.find(dir);
    if (!Files.isDirectory(paths.kernelDir(id.osname(), kernel.bootcsum()))) {
      long kernelBytes = Files.size(kernel.kernel());
      if (kernel.initramfs().isPresent()) {
        kernelBytes += Files.size(kernel.initramfs().get());
      }
      reserve.check(disk, paths.boot(), "boot", kernelBytes);
    }
    prepareEtc(dir);
    if (!opts.stage() && merge.isPresent()) {
      mergeEtc(merge.get(), dir);
    }
    KernelArgs kargs =
        DeploymentPlanner.planKargs(opts, merge, opts.kargsFromProcCmdline() ? procCmdline() : "");
    fs.deleteTree(dir.resolve("etc/.updated"));
    fs.deleteTree(paths.stateroot(id.osname()).resolve("var/.updated"));
    Path selabeled = paths.stateroot(id.osname()).resolve("var/.ostree-selabeled");
    if (!Files.exists(selabeled)) {
      // No SELinux relabelling here; the stamp is what ostree leaves either way.
      fs.writeAtomically(selabeled, new byte[0]);
    }
    Origin origin = opts.origin().orElse(Origin.ofRefspec(opts.refspec()));
    fs.writeAtomically(paths.originFile(id), origin.serialize().getBytes(StandardCharsets.UTF_8));
    if (!opts.stage()) {
      fs.setImmutable(dir, true);
    }
    return new Deployment(
        id.osname(),
        id.csum(),
        id.deployserial(),
        kernel.bootcsum(),
        0,
        kargs,
        Optional.of(origin),
        opts.stage());
  }

  private String procCmdline() {
    return bootedSource.cmdline().get();
  }

  /** Next free serial for this commit in this stateroot, counting directories on disk. */
  int allocateSerial(String os, String commit) throws IOException {
    int next = 0;
    try (Stream<Path> s = Files.list(paths.stateroot(os).resolve("deploy"))) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".origin")) {
          name = name.substring(0, name.length() - ".origin".length());
        }
        Optional<Deployment.Id> id = Deployment.parseDirName(os, name);
        if (id.isPresent() && id.get().csum().equals(commit)) {
          next = Math.max(next, id.get().deployserial() + 1);
        }
      }
    }
    return next;
  }

  /** The tree's defaults live in {@code usr/etc}; {@code etc} is the admin's copy of them. */
  private void prepareEtc(Path dir) throws IOException {
    Path etc = dir.resolve("etc");
    Path usrEtc = dir.resolve("usr/etc");
    boolean hasEtc = Files.isDirectory(etc, LinkOption.NOFOLLOW_LINKS);
    boolean hasUsrEtc = Files.isDirectory(usrEtc, LinkOption.NOFOLLOW_LINKS);
    if (hasEtc && hasUsrEtc) {
      throw new SysrootException("Tree contains both /etc and /usr/etc");
    }
    if (hasEtc) {
      fs.rename(etc, usrEtc);
      hasUsrEtc = true;
    }
    if (hasUsrEtc) {
      EtcMerge.copyTree(fs, usrEtc, etc);
    }
  }

  EtcMerge.Diff mergeEtc(Deployment merge, Path newDir) throws IOException {
    Path mergeDir = paths.deployDir(merge.id());
    return new EtcMerge(fs)
        .merge(mergeDir.resolve("usr/etc"), mergeDir.resolve("etc"), newDir.resolve("etc"));
  }

  void discardQuietly(Deployment.Id id) {
    try {
      fs.deleteTree(paths.originFile(id));
      fs.deleteTree(paths.deployDir(id));
    } catch (IOException | RuntimeException ignored) {
      // Unreferenced either way: the next cleanup removes what is left.
    }
  }
}
