package dev.treewave.agent.host.ostree;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.Deployments;
import dev.treewave.agent.host.HostFacts;
import dev.treewave.agent.host.HostManagementProbe;
import dev.treewave.agent.host.HostOs;
import dev.treewave.agent.host.HostOsException;
import dev.treewave.agent.host.PullProgressListener;
import dev.treewave.agent.host.PullRequest;
import dev.treewave.agent.host.SpaceNeeded;
import dev.treewave.agent.host.StageRequest;
import dev.treewave.agent.host.VerificationPolicy;
import dev.treewave.ostree.core.CommitSizes;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.delta.DeltaName;
import dev.treewave.ostree.delta.DeltaSuperblock;
import dev.treewave.ostree.prune.Pruner;
import dev.treewave.ostree.pull.ArchiveSource;
import dev.treewave.ostree.pull.HttpTransport;
import dev.treewave.ostree.pull.PullOptions;
import dev.treewave.ostree.pull.Puller;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.sign.SignatureException;
import dev.treewave.ostree.sysroot.BootedSource;
import dev.treewave.ostree.sysroot.DeployOptions;
import dev.treewave.ostree.sysroot.DeploymentStatus;
import dev.treewave.ostree.sysroot.InsufficientSpaceException;
import dev.treewave.ostree.sysroot.RepoTreeSource;
import dev.treewave.ostree.sysroot.SpaceReserve;
import dev.treewave.ostree.sysroot.Sysroot;
import dev.treewave.ostree.sysroot.SysrootBusyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link HostOs} over the {@code ostree/} module: our pull engine into the host's system repository
 * ({@code <hostRoot>/ostree/repo}) and our {@link Sysroot} for deployments.
 *
 * <p>Which deployment is booted and which boot this is come from injectable sources, so that a test
 * harness can run several agents on scratch sysroots and play the bootloader between them.
 */
public final class OstreeHostOs implements HostOs {

  /** Remote name under which pulled refs are recorded ({@code refs/remotes/treewave/...}). */
  static final String REMOTE = "treewave";

  /** Upper bound on a delta superblock read only for its sizes. */
  private static final long MAX_SUPERBLOCK = 64L * 1024 * 1024;

  private final Path hostRoot;
  private final Sysroot sysroot;
  private final OstreeRepo repo;
  private final HostManagementProbe probe;
  private final Supplier<String> bootId;
  private final FreeSpaceProbe freeSpace;

  /** Bytes free for unprivileged writes on the filesystem that holds a path. */
  @FunctionalInterface
  public interface FreeSpaceProbe {
    long usableBytes(Path path) throws IOException;

    /** The filesystem's own answer ({@code statvfs}). */
    FreeSpaceProbe FILE_STORE = path -> Files.getFileStore(path).getUsableSpace();
  }

  /**
   * @param hostRoot the host's root filesystem (an OSTree sysroot)
   * @param booted how to tell which deployment runs (see {@link BootedSource})
   * @param probe who manages the host
   * @param bootId the current boot's id
   */
  public OstreeHostOs(
      Path hostRoot, BootedSource booted, HostManagementProbe probe, Supplier<String> bootId) {
    this(hostRoot, booted, probe, bootId, FreeSpaceProbe.FILE_STORE);
  }

  /** As above, with free space measured by {@code freeSpace} (tests: a full disk on demand). */
  public OstreeHostOs(
      Path hostRoot,
      BootedSource booted,
      HostManagementProbe probe,
      Supplier<String> bootId,
      FreeSpaceProbe freeSpace) {
    this.hostRoot = hostRoot;
    this.freeSpace = freeSpace;
    this.sysroot =
        Sysroot.builder(hostRoot, RepoTreeSource.forSysroot(hostRoot))
            .bootedSource(booted)
            .spaceReserve(SpaceReserve.none())
            .build();
    this.repo = OstreeRepo.open(hostRoot.resolve("ostree/repo"));
    this.probe = probe;
    this.bootId = bootId;
  }

  @Override
  public HostFacts inspect() throws HostOsException {
    try {
      List<Deployment> ordered = new ArrayList<>();
      for (DeploymentStatus s : sysroot.status()) {
        var d = s.deployment();
        ordered.add(
            new Deployment(
                d.osname(),
                d.csum(),
                s.version().orElse(null),
                d.deployserial(),
                s.booted(),
                s.staged(),
                d.pinned()));
      }
      return new HostFacts(probe.probe(), bootId.get(), new Deployments(ordered));
    } catch (IOException | RuntimeException e) {
      throw failure("reading the sysroot " + hostRoot, e);
    }
  }

  @Override
  public long freeBytes() throws HostOsException {
    try {
      return freeSpace.usableBytes(repo.path());
    } catch (IOException e) {
      throw failure("reading free space of " + repo.path(), e);
    }
  }

  /**
   * Fetches the commit object only (verified as {@link #pull} verifies it, so the sizes come from a
   * signed commit), then sums the unpacked sizes its {@code ostree.sizes} metadata gives for the
   * objects not yet in the local repository. That is what the checkout of new objects writes; the
   * configured reserve covers filesystem overhead. Without sizes it falls back to the uncompressed
   * sizes of a static delta the remote offers (from a local commit or from scratch), and otherwise
   * answers {@link SpaceNeeded.Basis#UNKNOWN}.
   */
  @Override
  public SpaceNeeded spaceNeeded(PullRequest request) throws HostOsException {
    if (hasCommit(request.commit())) {
      return SpaceNeeded.complete();
    }
    ObjectId id = ObjectId.parse(request.commit());
    String url = request.url().toString();
    try (HttpTransport transport = new HttpTransport(url);
        ArchiveSource source = new ArchiveSource(transport)) {
      new Puller(repo)
          .pull(
              source,
              PullOptions.of(
                      REMOTE,
                      List.of(request.ref() + "@" + request.commit()),
                      policy(request.verification()))
                  .withCommitMetadataOnly(true)
                  .withTimestampCheck(!request.pinned()));
      Optional<CommitSizes> sizes = CommitSizes.fromCommit(repo.readCommit(id));
      if (sizes.isPresent()) {
        CommitSizes.Totals missing = sizes.get().missing(e -> repo.hasObject(e.type(), e.id()));
        return new SpaceNeeded(
            missing.unpacked(),
            SpaceNeeded.Basis.COMMIT_SIZES,
            "unpacked size of "
                + missing.objects()
                + " of the commit's "
                + sizes.get().entries().size()
                + " objects not yet in the repository, from its ostree.sizes");
      }
      return deltaEstimate(source, id)
          .orElseGet(
              () ->
                  SpaceNeeded.unknown(
                      "the commit carries no ostree.sizes metadata (commit it with"
                          + " --generate-sizes) and the remote offers no static delta to it"));
    } catch (SignatureException e) {
      throw new HostOsException(HostOsException.Kind.SIGNATURE, e.getMessage(), e);
    } catch (RuntimeException e) {
      throw classify("reading the size of " + request.commit() + " from " + url, e);
    }
  }

  /**
   * The uncompressed sizes of a static delta to {@code to}, from a local commit or from scratch.
   */
  private Optional<SpaceNeeded> deltaEstimate(ArchiveSource source, ObjectId to)
      throws HostOsException {
    List<DeltaName> candidates = new ArrayList<>();
    for (Deployment d : inspect().deployments().ordered()) {
      ObjectId from = ObjectId.parse(d.commit());
      if (!from.equals(to) && hasCommit(d.commit())) {
        candidates.add(DeltaName.of(from, to));
      }
    }
    candidates.add(DeltaName.scratch(to));
    for (DeltaName name : candidates) {
      Optional<byte[]> bytes = source.file(name.superblockPath(), MAX_SUPERBLOCK);
      if (bytes.isEmpty()) {
        continue;
      }
      DeltaSuperblock superblock = DeltaSuperblock.parse(bytes.get());
      if (!superblock.to().equals(to)) {
        continue;
      }
      long total = 0;
      for (DeltaSuperblock.PartHeader part : superblock.parts()) {
        total = Math.addExact(total, part.uncompressedSize());
      }
      for (DeltaSuperblock.Fallback fallback : superblock.fallbacks()) {
        total = Math.addExact(total, fallback.uncompressedSize());
      }
      return Optional.of(
          new SpaceNeeded(
              total,
              SpaceNeeded.Basis.DELTA_SIZES,
              "an estimate: the uncompressed size of static delta "
                  + name
                  + ", as the commit carries no ostree.sizes"));
    }
    return Optional.empty();
  }

  @Override
  public boolean hasCommit(String commit) throws HostOsException {
    ObjectId id = ObjectId.parse(commit);
    return repo.hasObject(ObjectType.COMMIT, id)
        && !Files.exists(repo.path().resolve("state").resolve(commit + ".commitpartial"));
  }

  @Override
  public void pull(PullRequest request, PullProgressListener listener) throws HostOsException {
    String url = request.url().toString();
    try (HttpTransport transport = new HttpTransport(url)) {
      PullOptions options =
          PullOptions.of(
                  REMOTE,
                  List.of(request.ref() + "@" + request.commit()),
                  policy(request.verification()))
              // an unpinned commit may not be older than the ref's current one (a downgrade)
              .withTimestampCheck(!request.pinned())
              .withProgress(
                  p ->
                      listener.onProgress(
                          new dev.treewave.agent.host.PullProgress(
                              p.objectsFetched(),
                              // the walk discovers objects as it goes: requested is a lower bound
                              // until done
                              p.done()
                                  ? p.objectsFetched()
                                  : Math.max(p.objectsRequested(), p.objectsFetched()),
                              p.bytesTransferred(),
                              -1)));
      new Puller(repo).pull(new ArchiveSource(transport), options);
    } catch (SignatureException e) {
      throw new HostOsException(HostOsException.Kind.SIGNATURE, e.getMessage(), e);
    } catch (RuntimeException e) {
      throw classify("pulling " + request.commit() + " from " + url, e);
    }
  }

  @Override
  public String verify(String commit, VerificationPolicy policy) throws HostOsException {
    if (!policy.required()) {
      return "verification disabled";
    }
    try {
      ObjectId id = ObjectId.parse(commit);
      byte[] bytes = repo.readMetadata(ObjectType.COMMIT, id);
      var meta = repo.readCommitMeta(id).orElse(java.util.Map.of());
      return String.join(", ", policy(policy).verifyCommit(id, bytes, meta));
    } catch (SignatureException e) {
      throw new HostOsException(HostOsException.Kind.SIGNATURE, e.getMessage(), e);
    } catch (RuntimeException e) {
      throw classify("verifying " + commit, e);
    }
  }

  @Override
  public dev.treewave.agent.host.Deployment stage(StageRequest request) throws HostOsException {
    try {
      Optional<Deployment> staged = inspect().deployments().staged();
      if (staged.isPresent() && staged.get().commit().equals(request.commit())) {
        return staged.get(); // idempotent: already staged
      }
      DeployOptions options =
          DeployOptions.of(request.commit())
              .withOsname(request.osName())
              .withStage(true)
              .withLockFinalization(true)
              .withKargs(List.of(), request.kernelArgs().add(), request.kernelArgs().remove());
      sysroot.deploy(options);
      return inspect()
          .deployments()
          .staged()
          .orElseThrow(
              () ->
                  new HostOsException(
                      HostOsException.Kind.FAILED, "deployed " + request.commit() + " not staged"));
    } catch (IOException | RuntimeException e) {
      throw classify("staging " + request.commit(), e);
    }
  }

  @Override
  public void makeDefault(String commit) throws HostOsException {
    try {
      List<DeploymentStatus> status = sysroot.status();
      Optional<DeploymentStatus> staged =
          status.stream().filter(DeploymentStatus::staged).findFirst();
      if (staged.isPresent() && staged.get().deployment().csum().equals(commit)) {
        sysroot.setDefault(staged.get().index()); // finalizes it, lock or not
        return;
      }
      Optional<DeploymentStatus> existing =
          status.stream()
              .filter(s -> !s.staged() && s.deployment().csum().equals(commit))
              .findFirst();
      if (existing.isEmpty()) {
        throw new HostOsException(
            HostOsException.Kind.NOT_FOUND, "no deployment of " + commit + " on " + hostRoot);
      }
      // Moves it to the top and drops any staged deployment, so shutdown cannot finalize it.
      sysroot.setDefault(existing.get().index());
    } catch (IOException | RuntimeException e) {
      throw classify("making " + commit + " the default", e);
    }
  }

  @Override
  public boolean markBootSuccessful() throws HostOsException {
    try {
      return sysroot.markBootSuccessful();
    } catch (IOException | RuntimeException e) {
      throw classify("marking the boot successful in " + hostRoot, e);
    }
  }

  @Override
  public void undeploy(Deployment deployment) throws HostOsException {
    try {
      for (DeploymentStatus s : sysroot.status()) {
        if (s.deployment().csum().equals(deployment.commit())
            && s.deployment().deployserial() == deployment.serial()) {
          if (s.booted() || s.pinned() || s.index() == firstBootable(sysroot.status())) {
            throw new HostOsException(
                HostOsException.Kind.FAILED,
                "refusing to remove booted, default or pinned " + deployment.directoryName());
          }
          sysroot.undeploy(s.index());
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw classify("removing " + deployment.directoryName(), e);
    }
  }

  private static int firstBootable(List<DeploymentStatus> status) {
    return status.stream()
        .filter(s -> !s.staged())
        .mapToInt(DeploymentStatus::index)
        .findFirst()
        .orElse(-1);
  }

  @Override
  public long pruneRepository() throws HostOsException {
    try {
      // Deployments hold refs (ostree/B/S/N), so refs-only depth-0 keeps every deployed commit.
      return new Pruner(repo)
          .prune(new Pruner.Options(true, 0, Optional.empty(), List.of(), false))
          .bytesFreed();
    } catch (RuntimeException e) {
      throw classify("pruning " + repo.path(), e);
    }
  }

  static dev.treewave.ostree.sign.VerificationPolicy policy(VerificationPolicy policy)
      throws HostOsException {
    return switch (policy.scheme()) {
      case DISABLED -> dev.treewave.ostree.sign.VerificationPolicy.NONE;
      case ED25519 -> {
        List<byte[]> keys = new ArrayList<>();
        for (byte[] material : policy.trustedKeys()) {
          for (String line :
              new String(material, java.nio.charset.StandardCharsets.US_ASCII).split("\\R")) {
            if (!line.isBlank()) {
              keys.add(dev.treewave.ostree.sign.ed25519.Ed25519Keys.parsePublic(line.strip()));
            }
          }
        }
        yield new dev.treewave.ostree.sign.VerificationPolicy(
            List.of(new dev.treewave.ostree.sign.ed25519.Ed25519Verifier(keys, List.of())),
            List.of());
      }
      case GPG -> {
        List<dev.treewave.ostree.sign.SignatureVerifier> verifiers = new ArrayList<>();
        for (byte[] keyring : policy.trustedKeys()) {
          verifiers.add(dev.treewave.ostree.sign.gpg.GpgVerifier.fromKeyringBytes(keyring));
        }
        if (verifiers.size() != 1) {
          throw new HostOsException(
              HostOsException.Kind.FAILED,
              "GPG verification with "
                  + verifiers.size()
                  + " keyrings is not supported yet; use one");
        }
        yield new dev.treewave.ostree.sign.VerificationPolicy(verifiers, List.of());
      }
    };
  }

  private HostOsException failure(String what, Exception e) {
    return new HostOsException(HostOsException.Kind.FAILED, what + ": " + e.getMessage(), e);
  }

  /** Maps the ostree module's exceptions onto the kinds the agent retries or reports. */
  private static HostOsException classify(String what, Exception e) {
    if (e instanceof HostOsException h) {
      return h;
    }
    String message = what + ": " + e.getMessage();
    if (e instanceof SysrootBusyException) {
      return new HostOsException(HostOsException.Kind.BUSY, message, e);
    }
    if (e instanceof InsufficientSpaceException
        || e instanceof dev.treewave.ostree.repo.MinFreeSpaceException
        || String.valueOf(e.getMessage()).contains("No space left")) {
      return new HostOsException(HostOsException.Kind.NO_SPACE, message, e);
    }
    if (e instanceof SignatureException) {
      return new HostOsException(HostOsException.Kind.SIGNATURE, message, e);
    }
    if (e instanceof dev.treewave.ostree.repo.CorruptObjectException) {
      return new HostOsException(HostOsException.Kind.CORRUPT, message, e);
    }
    if (e instanceof dev.treewave.ostree.pull.DowngradeRefusedException) {
      // the mirror serves an older commit under the ref: asking again gives the same answer
      return new HostOsException(HostOsException.Kind.FAILED, message, e);
    }
    if (e instanceof dev.treewave.ostree.pull.PullException
        || e instanceof UncheckedIOException
        || e.getCause() instanceof HttpTimeoutException
        || e.getCause() instanceof IOException) {
      return new HostOsException(HostOsException.Kind.NETWORK, message, e);
    }
    return new HostOsException(HostOsException.Kind.FAILED, message, e);
  }
}
