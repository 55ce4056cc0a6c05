package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OSTree sysroot (a host's {@code /}, or a scratch directory): deploy commits beside each other,
 * switch the boot configuration atomically, stage for the next shutdown, roll back, pin, clean up.
 * Same on-disk layout as libostree 2022.7, so the host's own ostree tools and bootloader understand
 * what we write (ostree-format.md section 7).
 *
 * <p>Every mutating call takes the sysroot lock ({@code ostree/lock}, the file libostree locks),
 * reloads the state from disk and ends with the boot configuration pointing to a complete
 * deployment list; interrupted at any point, the old list still boots.
 */
public final class Sysroot {

  private final SysrootPaths paths;
  private final SysrootFs fs;
  private final TreeSource tree;
  private final BootedSource bootedSource;
  private final SpaceReserve reserve;
  private final SpaceReserve.DiskSpace disk;
  private final DeploymentPreparer preparer;

  private Sysroot(Builder b) {
    this.paths = new SysrootPaths(b.root);
    this.fs = b.fs;
    this.tree = new CachingTreeSource(b.tree);
    this.bootedSource = b.bootedSource;
    this.reserve = b.reserve;
    this.disk = b.disk;
    this.preparer = new DeploymentPreparer(paths, fs, tree, bootedSource, reserve, disk);
  }

  /** Opens an initialised sysroot with the real filesystem, host boot state, default reserve. */
  public static Sysroot open(Path root, TreeSource tree) {
    return builder(root, tree).build();
  }

  public static Builder builder(Path root, TreeSource tree) {
    return new Builder(root, tree);
  }

  /** Configures a {@link Sysroot}; every effect and input has a test seam here. */
  public static final class Builder {
    private final Path root;
    private final TreeSource tree;
    private SysrootFs fs = new LocalSysrootFs();
    private BootedSource bootedSource = BootedSource.host();
    private SpaceReserve reserve = SpaceReserve.defaults();
    private SpaceReserve.DiskSpace disk = SpaceReserve.DiskSpace.real();

    private Builder(Path root, TreeSource tree) {
      this.root = root.toAbsolutePath().normalize();
      this.tree = tree;
    }

    public Builder fs(SysrootFs value) {
      this.fs = value;
      return this;
    }

    public Builder bootedSource(BootedSource value) {
      this.bootedSource = value;
      return this;
    }

    public Builder spaceReserve(SpaceReserve value) {
      this.reserve = value;
      return this;
    }

    public Builder diskSpace(SpaceReserve.DiskSpace value) {
      this.disk = value;
      return this;
    }

    public Sysroot build() {
      if (!Files.isDirectory(root.resolve("ostree/repo"))) {
        throw new SysrootException(
            root + " is not an OSTree sysroot (no ostree/repo); run admin init-fs first");
      }
      return new Sysroot(this);
    }
  }

  public Path root() {
    return paths.root();
  }

  // ---------------------------------------------------------------- setup

  /**
   * {@code ostree admin init-fs}: the top-level directories of a root filesystem and an empty
   * {@code bare} system repository. Idempotent.
   */
  public static void initFs(Path root, SysrootFs fs) throws IOException {
    Files.createDirectories(root);
    for (String d : List.of("boot", "dev", "home", "proc", "run", "sys")) {
      mkdirIfMissing(fs, root.resolve(d), 0755);
    }
    mkdirIfMissing(fs, root.resolve("root"), 0700);
    mkdirIfMissing(fs, root.resolve("tmp"), 01777);
    mkdirIfMissing(fs, root.resolve("ostree"), 0755);
    mkdirIfMissing(fs, root.resolve("ostree/deploy"), 0755);
    Path repo = root.resolve("ostree/repo");
    if (!Files.exists(repo.resolve("config"))) {
      mkdirIfMissing(fs, repo, 0755);
      for (String d :
          List.of(
              "objects",
              "refs",
              "refs/heads",
              "refs/mirrors",
              "refs/remotes",
              "state",
              "tmp",
              "tmp/cache",
              "extensions")) {
        mkdirIfMissing(fs, repo.resolve(d), 0755);
      }
      fs.writeAtomically(
          repo.resolve("config"),
          "[core]\nrepo_version=1\nmode=bare\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** {@code ostree admin os-init OSNAME}: a stateroot with its shared {@code /var}. Idempotent. */
  public void osInit(String osname) throws IOException {
    try (FileLock lock = lock()) {
      Path stateroot = paths.stateroot(osname);
      mkdirIfMissing(fs, stateroot, 0755);
      mkdirIfMissing(fs, stateroot.resolve("deploy"), 0755);
      Path var = stateroot.resolve("var");
      mkdirIfMissing(fs, var, 0755);
      mkdirIfMissing(fs, var.resolve("tmp"), 01777);
      mkdirIfMissing(fs, var.resolve("lib"), 0755);
      mkdirIfMissing(fs, var.resolve("log"), 0755);
      if (!Files.exists(var.resolve("run"), LinkOption.NOFOLLOW_LINKS)) {
        fs.symlink(var.resolve("run"), "../run");
      }
      if (!Files.exists(var.resolve("lock"), LinkOption.NOFOLLOW_LINKS)) {
        fs.symlink(var.resolve("lock"), "../run/lock");
      }
    }
  }

  private static void mkdirIfMissing(SysrootFs fs, Path dir, int mode) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      fs.createDirectory(dir, mode);
    }
  }

  // ---------------------------------------------------------------- reading

  /** The current state, freshly read from disk. */
  public SysrootState state() throws IOException {
    return new SysrootLoader(paths, bootedSource).load();
  }

  /** What {@code admin status} shows, in boot order, with the staged deployment first. */
  public List<DeploymentStatus> status() throws IOException {
    SysrootState st = state();
    List<Deployment> all = st.withStaged();
    Optional<Deployment> booted = st.bootedDeployment();
    List<DeploymentStatus> out = new ArrayList<>();
    boolean seenPending = false;
    boolean seenRollback = false;
    boolean beforeBooted = true;
    for (int i = 0; i < all.size(); i++) {
      Deployment d = all.get(i);
      boolean isBooted = booted.isPresent() && booted.get().id().equals(d.id()) && !d.staged();
      boolean pending = false;
      boolean rollback = false;
      if (booted.isPresent() && !isBooted && d.osname().equals(booted.get().osname())) {
        if (beforeBooted && !seenPending) {
          pending = seenPending = true;
        } else if (!beforeBooted && !seenRollback) {
          rollback = seenRollback = true;
        }
      }
      if (isBooted) {
        beforeBooted = false;
      }
      out.add(
          new DeploymentStatus(
              i,
              d,
              tree.version(d.csum()),
              isBooted,
              pending && !d.staged(),
              rollback,
              d.staged()));
    }
    return out;
  }

  /** {@code admin config-diff}: the admin's /etc changes in a deployment (default: merge one). */
  public EtcMerge.Diff configDiff(int index) throws IOException {
    Deployment d = byIndex(state(), index);
    Path dir = paths.deployDir(d.id());
    return EtcMerge.diff(dir.resolve("usr/etc"), dir.resolve("etc"));
  }

  // ---------------------------------------------------------------- deploy

  /**
   * {@code admin deploy}: checks the commit out beside the existing deployments, prepares its
   * {@code /etc} and boot entry, and makes it the default (or, with {@code stage}, records it for
   * {@link #finalizeStaged()} at shutdown).
   *
   * @return the new deployment
   * @throws InsufficientSpaceException if the free-space reserve would be broken (no changes)
   */
  public Deployment deploy(DeployOptions opts) throws IOException {
    try (FileLock lock = lock()) {
      SysrootState st = state();
      String os =
          opts.osname()
              .or(() -> st.bootedDeployment().map(Deployment::osname))
              .orElseThrow(
                  () ->
                      new SysrootException(
                          "Not currently booted into an OSTree system and no --os= argument"
                              + " given"));
      if (!Files.isDirectory(paths.stateroot(os))) {
        throw new SysrootException("No such stateroot: " + os + " (run admin os-init " + os + ")");
      }
      // libostree's os-init creates only var/; its deploy makes deploy/ on first use.
      mkdirIfMissing(fs, paths.stateroot(os).resolve("deploy"), 0755);
      if (opts.stage() && st.booted().isEmpty()) {
        throw new SysrootException(
            "Cannot stage a deployment when not currently booted into an OSTree system");
      }
      String commit = tree.resolve(opts.refspec());
      Optional<Deployment> merge = opts.noMerge() ? Optional.empty() : st.mergeDeployment(os);
      reserve.check(disk, paths.root(), "sysroot", 0);
      reserve.check(disk, paths.boot(), "boot", 0);

      Deployment.Id id = new Deployment.Id(os, commit, preparer.allocateSerial(os, commit));
      Path dir = paths.deployDir(id);
      Deployment added;
      try {
        added = preparer.prepare(id, dir, opts, merge);
      } catch (IOException | RuntimeException e) {
        preparer.discardQuietly(id);
        throw e;
      }
      if (opts.stage()) {
        writeStaged(st, added, merge, opts.lockFinalization());
        // An older staged deployment is now unreferenced: remove it.
        new SysrootCleaner(paths, fs)
            .clean(
                new SysrootState(
                    st.bootversion(),
                    st.subbootversion(),
                    st.deployments(),
                    Optional.of(added),
                    st.booted()));
        return added;
      }
      List<Deployment> list =
          DeploymentPlanner.planDeploy(st.deployments(), added, st.booted(), merge, opts);
      writeDeployments(st, list);
      return added;
    }
  }

  // ---------------------------------------------------------------- staging

  private void writeStaged(
      SysrootState st, Deployment staged, Optional<Deployment> merge, boolean lockFinalization)
      throws IOException {
    // Refs first, the staged commit at index 0, written from the end so that every commit
    // stays referenced while they shift by one.
    List<Deployment> withStaged = new ArrayList<>();
    withStaged.add(staged);
    withStaged.addAll(st.deployments());
    Path dir = paths.deploymentRefs().resolve(st.bootversion() + "/" + st.subbootversion());
    for (Path p :
        List.of(
            paths.repo().resolve("refs/heads"),
            paths.deploymentRefs(),
            paths.deploymentRefs().resolve(Integer.toString(st.bootversion())),
            dir)) {
      mkdirIfMissing(fs, p, 0755);
    }
    for (int i = withStaged.size() - 1; i >= 0; i--) {
      fs.writeAtomically(
          dir.resolve(Integer.toString(i)),
          (withStaged.get(i).csum() + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    Path runOstree = bootedSource.stagedDeploymentFile().getParent();
    if (!Files.isDirectory(runOstree)) {
      fs.createDirectory(runOstree, 0755);
    }
    if (lockFinalization) {
      // Before the record itself, so no shutdown can ever see it unlocked.
      fs.writeAtomically(bootedSource.stagedLockFile(), new byte[0]);
    } else {
      fs.deleteTree(bootedSource.stagedLockFile());
    }
    StagedDeploymentFile file =
        new StagedDeploymentFile(
            ref(staged), merge.map(Sysroot::ref), Optional.of(staged.kargs().args()));
    fs.writeAtomically(bootedSource.stagedDeploymentFile(), file.serialize());
  }

  private static StagedDeploymentFile.Ref ref(Deployment d) {
    return new StagedDeploymentFile.Ref(d.dirName(), d.osname(), d.bootcsum());
  }

  /**
   * {@code admin finalize-staged} (what ostree-finalize-staged.service runs at shutdown): merges
   * {@code /etc} into the staged deployment and makes it the default.
   *
   * @return false if nothing was staged
   */
  public boolean finalizeStaged() throws IOException {
    return finalizeStaged(false);
  }

  /**
   * Finalizes the staged deployment now; with {@code evenIfLocked} also one staged with {@code
   * lockFinalization} (the node agent's explicit "make it the default"), removing the lock.
   *
   * @return false if nothing was staged
   */
  public boolean finalizeStaged(boolean evenIfLocked) throws IOException {
    try (FileLock lock = lock()) {
      SysrootState st = state();
      if (st.staged().isEmpty()) {
        return false;
      }
      if (evenIfLocked) {
        fs.deleteTree(bootedSource.stagedLockFile());
      } else if (Files.exists(bootedSource.stagedLockFile())) {
        throw new SysrootException(
            "staged deployment is locked (" + bootedSource.stagedLockFile() + "); not finalizing");
      }
      Deployment staged = st.staged().get();
      StagedDeploymentFile file =
          StagedDeploymentFile.parse(Files.readAllBytes(bootedSource.stagedDeploymentFile()));
      // Removed first, like libostree: a finalization that fails must not be retried at every
      // shutdown; the failure is recorded in the stamp file instead.
      fs.deleteTree(bootedSource.stagedDeploymentFile());
      try {
        Optional<Deployment> merge =
            file.mergeDeployment()
                .flatMap(
                    ref ->
                        st.deployments().stream()
                            .filter(
                                d ->
                                    d.dirName().equals(ref.name())
                                        && d.osname().equals(ref.osname()))
                            .findFirst());
        Path dir = paths.deployDir(staged.id());
        if (merge.isPresent()) {
          preparer.mergeEtc(merge.get(), dir);
        }
        fs.setImmutable(dir, true);
        Deployment finalized = staged.asStaged(false);
        List<Deployment> list =
            DeploymentPlanner.planDeploy(
                st.deployments(), finalized, st.booted(), merge, DeployOptions.of("-"));
        SysrootState withoutStaged =
            new SysrootState(
                st.bootversion(),
                st.subbootversion(),
                st.deployments(),
                Optional.empty(),
                st.booted());
        writeDeployments(withoutStaged, list);
        return true;
      } catch (IOException | RuntimeException e) {
        recordFinalizeFailure(e);
        throw e;
      }
    }
  }

  private void recordFinalizeFailure(Exception e) {
    try {
      Path stampDir = paths.boot().resolve("ostree");
      if (Files.isDirectory(stampDir)) {
        fs.writeAtomically(
            stampDir.resolve("finalize-failure.stamp"),
            String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException | RuntimeException ignored) {
      // The original failure is what the caller needs to see.
    }
  }

  // ---------------------------------------------------------------- list edits

  /** {@code admin undeploy INDEX} (index as in {@link #status()}, staged first). */
  public Deployment undeploy(int index) throws IOException {
    try (FileLock lock = lock()) {
      SysrootState st = state();
      Deployment d = byIndex(st, index);
      if (st.booted().isPresent() && st.booted().get().equals(d.id()) && !d.staged()) {
        throw new SysrootException("Cannot undeploy currently booted deployment " + index);
      }
      if (d.staged()) {
        fs.deleteTree(bootedSource.stagedDeploymentFile());
        SysrootState after =
            new SysrootState(
                st.bootversion(),
                st.subbootversion(),
                st.deployments(),
                Optional.empty(),
                st.booted());
        new SysrootCleaner(paths, fs).clean(after);
        return d;
      }
      List<Deployment> list = new ArrayList<>(st.deployments());
      list.removeIf(x -> x.id().equals(d.id()));
      writeDeployments(st, list);
      return d;
    }
  }

  /** {@code admin pin INDEX} / {@code --unpin}: pinned deployments are never dropped. */
  public void setPinned(int index, boolean pinned) throws IOException {
    try (FileLock lock = lock()) {
      Deployment d = byIndex(state(), index);
      if (d.staged()) {
        throw new SysrootException("Cannot pin staged deployment");
      }
      Origin origin = d.origin().orElse(new Origin(Map.of())).withPinned(pinned);
      fs.writeAtomically(
          paths.originFile(d.id()), origin.serialize().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** {@code admin set-origin}: what the deployment follows on upgrade. */
  public void setOrigin(int index, String refspec) throws IOException {
    try (FileLock lock = lock()) {
      Deployment d = byIndex(state(), index);
      Origin origin = d.origin().orElse(new Origin(Map.of())).withRefspec(refspec);
      fs.writeAtomically(
          paths.originFile(d.id()), origin.serialize().getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Makes the previous deployment the default: on a booted system the booted one if something else
   * is pending, else the rollback deployment; on a scratch sysroot, index 1.
   *
   * @return the new default deployment
   */
  public Deployment rollback() throws IOException {
    try (FileLock lock = lock()) {
      SysrootState st = state();
      List<Deployment> list = st.deployments();
      Optional<Deployment> booted = st.bootedDeployment();
      int target;
      if (booted.isPresent() && !list.get(0).id().equals(booted.get().id())) {
        target = list.indexOf(booted.get());
      } else {
        target = -1;
        int start = booted.map(list::indexOf).orElse(0) + 1;
        for (int i = start; i < list.size(); i++) {
          if (booted.isEmpty() || list.get(i).osname().equals(booted.get().osname())) {
            target = i;
            break;
          }
        }
        if (target < 0) {
          throw new SysrootException("No rollback deployment to make the default");
        }
      }
      return moveToFront(st, target);
    }
  }

  /**
   * Makes deployment {@code index} (as in {@link #status()}) the default, keeping the others in
   * order; a staged deployment is finalized instead. No-op if it already is the default.
   */
  public Deployment setDefault(int index) throws IOException {
    SysrootState st = state();
    Deployment d = byIndex(st, index);
    if (d.staged()) {
      finalizeStaged(true);
      return d.asStaged(false);
    }
    try (FileLock lock = lock()) {
      st = state();
      int target = -1;
      for (int i = 0; i < st.deployments().size(); i++) {
        if (st.deployments().get(i).id().equals(d.id())) {
          target = i;
        }
      }
      if (target < 0) {
        throw new SysrootException("deployment " + d.id() + " disappeared");
      }
      if (target == 0 && st.staged().isEmpty()) {
        return d;
      }
      return moveToFront(st, target);
    }
  }

  /** Reorders the list with {@code target} first; a staged deployment is discarded. */
  private Deployment moveToFront(SysrootState st, int target) throws IOException {
    List<Deployment> list = st.deployments();
    List<Deployment> reordered = new ArrayList<>();
    reordered.add(list.get(target));
    for (int i = 0; i < list.size(); i++) {
      if (i != target) {
        reordered.add(list.get(i));
      }
    }
    writeDeployments(st, reordered);
    return list.get(target);
  }

  /** {@code admin kargs edit-in-place}-style: replaces a deployment's kernel arguments. */
  public void setKargs(int index, KernelArgs kargs) throws IOException {
    try (FileLock lock = lock()) {
      SysrootState st = state();
      Deployment d = byIndex(st, index);
      if (d.staged()) {
        StagedDeploymentFile file =
            StagedDeploymentFile.parse(Files.readAllBytes(bootedSource.stagedDeploymentFile()));
        fs.writeAtomically(
            bootedSource.stagedDeploymentFile(),
            new StagedDeploymentFile(
                    file.target(), file.mergeDeployment(), Optional.of(kargs.args()))
                .serialize());
        return;
      }
      List<Deployment> list = new ArrayList<>();
      for (Deployment x : st.deployments()) {
        list.add(x.id().equals(d.id()) ? x.withKargs(kargs) : x);
      }
      writeDeployments(st, list);
    }
  }

  /**
   * Marks this boot good for the bootloader's boot counting: with the GRUB backend (see {@link
   * #bootloader()}) the active {@code loader.N/grubenv} loses {@code boot_counter} and gets {@code
   * boot_success=1}, so GRUB stops counting down towards the fallback. Only when the booted
   * deployment is the default. Returns whether the block changed.
   */
  public boolean markBootSuccessful() throws IOException {
    try (FileLock lock = lock()) {
      GrubBackend grub = new GrubBackend(paths, fs);
      return grub.active() && grub.markBootSuccessful(state());
    }
  }

  /**
   * The bootloader configuration this sysroot writes besides BLS entries: {@code "grub2"} when
   * {@code boot/grub/grub.cfg} is the symlink {@code ../loader/grub.cfg} (each {@code loader.N}
   * then gets a generated {@code grub.cfg} and a boot-counting {@code grubenv}), else {@code
   * "none"}.
   */
  public String bootloader() {
    return new GrubBackend(paths, fs).active() ? "grub2" : "none";
  }

  /** The active GRUB environment block (empty without the GRUB backend or before a deploy). */
  public GrubEnv grubEnv() throws IOException {
    return new GrubBackend(paths, fs).readEnv(state().bootversion());
  }

  /** {@code admin cleanup}: removes unreferenced deployments, kernels and boot directories. */
  public void cleanup() throws IOException {
    try (FileLock lock = lock()) {
      new SysrootCleaner(paths, fs).clean(state());
    }
  }

  // ---------------------------------------------------------------- internals

  private void writeDeployments(SysrootState st, List<Deployment> list) throws IOException {
    if (list.isEmpty()) {
      throw new SysrootException("refusing to write an empty deployment list: nothing would boot");
    }
    if (st.staged().isPresent()) {
      // Writing a new list supersedes what was staged: shutdown must not finalize it over ours.
      fs.deleteTree(bootedSource.stagedDeploymentFile());
      fs.deleteTree(bootedSource.stagedLockFile());
    }
    BootWriter.Written w = new BootWriter(paths, fs, tree).write(st, list);
    SysrootState after =
        new SysrootState(
            w.bootversion(),
            w.subbootversion(),
            BootWriter.assignBootserials(list),
            Optional.empty(),
            st.booted());
    new SysrootCleaner(paths, fs).clean(after);
  }

  private static Deployment byIndex(SysrootState st, int index) {
    List<Deployment> all = st.withStaged();
    if (index < 0 || index >= all.size()) {
      throw new SysrootException(
          "Out of range deployment index " + index + ", expected < " + all.size());
    }
    return all.get(index);
  }

  private FileLock lock() throws IOException {
    return SysrootLock.acquire(paths);
  }
}
