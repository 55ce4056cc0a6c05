package dev.treewave.agent.testing;

import dev.treewave.agent.host.Deployment;
import dev.treewave.agent.host.Deployments;
import dev.treewave.agent.host.HostFacts;
import dev.treewave.agent.host.HostOs;
import dev.treewave.agent.host.HostOsException;
import dev.treewave.agent.host.HostOsException.Kind;
import dev.treewave.agent.host.Management;
import dev.treewave.agent.host.PullProgress;
import dev.treewave.agent.host.PullProgressListener;
import dev.treewave.agent.host.PullRequest;
import dev.treewave.agent.host.SpaceNeeded;
import dev.treewave.agent.host.StageRequest;
import dev.treewave.agent.host.VerificationPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;

/**
 * An in-memory host: a remote repository, a local repository, deployments in bootloader order and a
 * simulated bootloader ({@link #reboot}). Follows the {@link HostOs} contract (idempotent
 * operations, finalization-locked staging) and counts what matters to tests: downloads and boots.
 * Failures can be injected per operation; every mutating operation passes {@link Crashpoints}
 * before and after its effect.
 */
public final class FakeHostOs implements HostOs {

  /** Operations that can be made to fail. */
  public enum Op {
    INSPECT,
    FREE_BYTES,
    BYTES_NEEDED,
    PULL,
    VERIFY,
    STAGE,
    MAKE_DEFAULT,
    UNDEPLOY,
    PRUNE
  }

  /** A commit the remote repository serves. */
  public record RemoteCommit(String commit, long bytes, byte[] signedWith, boolean publishesSize) {}

  private final Crashpoints crashpoints;
  private final Map<String, RemoteCommit> remote = new HashMap<>();
  private final Map<String, Long> local = new HashMap<>(); // commit -> bytes
  private final Map<String, String> refs = new HashMap<>();
  private final List<Deployment> deployments = new ArrayList<>();
  private final Map<String, List<String>> kernelArgsByDeployment = new HashMap<>();
  private final Map<Op, Queue<HostOsException>> failures = new EnumMap<>(Op.class);
  private final Map<String, Integer> downloads = new HashMap<>();
  private Management management = new Management.Managed();
  private long freeBytes = 100L * 1024 * 1024 * 1024;
  private int bootCount = 1;
  private int reboots;
  private boolean fallBackOnNextBoot;
  private int nextSerial;
  private final Set<String> markedGood = new java.util.LinkedHashSet<>();

  public FakeHostOs(Crashpoints crashpoints) {
    this.crashpoints = crashpoints;
  }

  // ---- set-up ---------------------------------------------------------------------------------

  /** A host booted from {@code commit}, with the commit in its local repository. */
  public FakeHostOs bootedFrom(String osName, String commit, long bytes) {
    local.put(commit, bytes);
    deployments.add(new Deployment(osName, commit, null, nextSerial++, true, false, false));
    return this;
  }

  /** Adds an older deployment after the existing ones (e.g. a rollback deployment). */
  public FakeHostOs withOlderDeployment(String osName, String commit, long bytes, boolean pin) {
    local.put(commit, bytes);
    deployments.add(new Deployment(osName, commit, null, nextSerial++, false, false, pin));
    return this;
  }

  public FakeHostOs serving(String commit, long bytes, byte[] signedWith) {
    remote.put(commit, new RemoteCommit(commit, bytes, signedWith, true));
    return this;
  }

  /** Serves {@code commit} without size metadata (a repository committed without sizes). */
  public FakeHostOs servingWithoutSizes(String commit, long bytes, byte[] signedWith) {
    remote.put(commit, new RemoteCommit(commit, bytes, signedWith, false));
    return this;
  }

  public FakeHostOs withFreeBytes(long bytes) {
    freeBytes = bytes;
    return this;
  }

  public FakeHostOs withManagement(Management value) {
    management = value;
    return this;
  }

  /** The next call of {@code op} throws {@code error} (queue several for several calls). */
  public FakeHostOs failNext(Op op, Kind kind, String message) {
    failures.computeIfAbsent(op, o -> new ArrayDeque<>()).add(new HostOsException(kind, message));
    return this;
  }

  /** The next boot falls back to the previously booted deployment, as a failing boot would. */
  public FakeHostOs fallBackOnNextBoot() {
    fallBackOnNextBoot = true;
    return this;
  }

  // ---- the simulated bootloader ----------------------------------------------------------------

  /**
   * Reboots: a staged deployment is dropped (finalization is locked; only makeDefault puts it in
   * the boot path), the bootloader boots the default, or falls back to the previous deployment.
   */
  public void reboot() {
    reboots++;
    bootCount++;
    deployments.removeIf(Deployment::staged);
    Deployment previous = booted().orElseThrow();
    Deployment next = fallBackOnNextBoot ? previous : deployments.get(0);
    fallBackOnNextBoot = false;
    for (int i = 0; i < deployments.size(); i++) {
      Deployment d = deployments.get(i);
      deployments.set(i, d.withBooted(d.equals(next)));
    }
  }

  public int reboots() {
    return reboots;
  }

  public int downloads(String commit) {
    return downloads.getOrDefault(commit, 0);
  }

  public long freeBytesNow() {
    return freeBytes;
  }

  public Set<String> localCommits() {
    return Set.copyOf(local.keySet());
  }

  public List<String> kernelArgs(Deployment deployment) {
    return kernelArgsByDeployment.getOrDefault(deployment.directoryName(), List.of());
  }

  public Deployments deployments() {
    return new Deployments(deployments);
  }

  // ---- HostOs --------------------------------------------------------------------------------

  @Override
  public HostFacts inspect() throws HostOsException {
    maybeFail(Op.INSPECT);
    return new HostFacts(management, "boot-" + bootCount, new Deployments(deployments));
  }

  @Override
  public long freeBytes() throws HostOsException {
    maybeFail(Op.FREE_BYTES);
    return freeBytes;
  }

  @Override
  public SpaceNeeded spaceNeeded(PullRequest request) throws HostOsException {
    maybeFail(Op.BYTES_NEEDED);
    if (local.containsKey(request.commit())) {
      return SpaceNeeded.complete();
    }
    RemoteCommit commit = remoteCommit(request.commit());
    if (!commit.publishesSize()) {
      return SpaceNeeded.unknown("the fake remote publishes no sizes");
    }
    return new SpaceNeeded(commit.bytes(), SpaceNeeded.Basis.COMMIT_SIZES, "fake ostree.sizes");
  }

  @Override
  public boolean hasCommit(String commit) {
    return local.containsKey(commit);
  }

  @Override
  public void pull(PullRequest request, PullProgressListener listener) throws HostOsException {
    crashpoints.hit("pull.before");
    maybeFail(Op.PULL);
    if (!local.containsKey(request.commit())) {
      RemoteCommit commit = remoteCommit(request.commit());
      checkSignature(commit.commit(), commit.signedWith(), request.verification());
      if (commit.bytes() > freeBytes) {
        throw new HostOsException(Kind.NO_SPACE, "No space left on device");
      }
      for (int i = 1; i <= 4; i++) {
        listener.onProgress(new PullProgress(i * 10L, 40, commit.bytes() * i / 4, commit.bytes()));
      }
      freeBytes -= commit.bytes();
      local.put(commit.commit(), commit.bytes());
      downloads.merge(commit.commit(), 1, Integer::sum);
    }
    refs.put(request.ref(), request.commit());
    crashpoints.hit("pull.after");
  }

  @Override
  public String verify(String commit, VerificationPolicy policy) throws HostOsException {
    maybeFail(Op.VERIFY);
    if (!local.containsKey(commit)) {
      throw new HostOsException(Kind.NOT_FOUND, "commit " + commit + " is not in the repository");
    }
    RemoteCommit origin = remote.get(commit);
    checkSignature(commit, origin != null ? origin.signedWith() : null, policy);
    return policy.required() ? "signed by a trusted key" : "verification disabled";
  }

  @Override
  public Deployment stage(StageRequest request) throws HostOsException {
    crashpoints.hit("stage.before");
    maybeFail(Op.STAGE);
    if (!local.containsKey(request.commit())) {
      throw new HostOsException(Kind.NOT_FOUND, "commit " + request.commit() + " is not local");
    }
    Optional<Deployment> existing = staged().filter(d -> d.commit().equals(request.commit()));
    if (existing.isPresent()) {
      crashpoints.hit("stage.after");
      return existing.get();
    }
    deployments.removeIf(Deployment::staged);
    Deployment staged =
        new Deployment(request.osName(), request.commit(), null, nextSerial++, false, true, false);
    deployments.add(0, staged);
    List<String> args = new ArrayList<>(List.of("root=UUID=fake", "quiet"));
    args.removeIf(a -> request.kernelArgs().remove().stream().anyMatch(r -> matches(a, r)));
    args.addAll(request.kernelArgs().add());
    kernelArgsByDeployment.put(staged.directoryName(), args);
    crashpoints.hit("stage.after");
    return staged;
  }

  @Override
  public void makeDefault(String commit) throws HostOsException {
    crashpoints.hit("makeDefault.before");
    maybeFail(Op.MAKE_DEFAULT);
    Deployment target =
        deployments.stream()
            .filter(d -> d.commit().equals(commit))
            .findFirst()
            .orElseThrow(
                () -> new HostOsException(Kind.NOT_FOUND, "no deployment of commit " + commit));
    if (!target.staged()) {
      deployments.removeIf(Deployment::staged);
    }
    deployments.remove(target);
    deployments.add(0, target.withStaged(false));
    crashpoints.hit("makeDefault.after");
  }

  @Override
  public void undeploy(Deployment deployment) throws HostOsException {
    crashpoints.hit("undeploy.before");
    maybeFail(Op.UNDEPLOY);
    if (deployment.booted() || deployment.staged() || deployment.pinned()) {
      throw new HostOsException(Kind.FAILED, "refusing to remove " + deployment);
    }
    if (!deployments.isEmpty() && deployments.get(0).equals(deployment)) {
      throw new HostOsException(Kind.FAILED, "refusing to remove the default " + deployment);
    }
    deployments.remove(deployment);
    crashpoints.hit("undeploy.after");
  }

  @Override
  public boolean markBootSuccessful() {
    Optional<Deployment> booted = booted();
    if (booted.isEmpty() || !deployments.get(0).equals(booted.get())) {
      return false;
    }
    return markedGood.add(booted.get().commit() + "@" + bootCount);
  }

  /** {@code COMMIT@BOOTCOUNT} of every boot the agent marked good. */
  public Set<String> markedGood() {
    return Set.copyOf(markedGood);
  }

  @Override
  public long pruneRepository() throws HostOsException {
    crashpoints.hit("prune.before");
    maybeFail(Op.PRUNE);
    Set<String> referenced = new HashSet<>(refs.values());
    deployments.forEach(d -> referenced.add(d.commit()));
    long freed = 0;
    for (String commit : List.copyOf(local.keySet())) {
      if (!referenced.contains(commit)) {
        freed += local.remove(commit);
      }
    }
    freeBytes += freed;
    crashpoints.hit("prune.after");
    return freed;
  }

  /** Forgets a ref, as when the operator moved to another image (lets prune free its commit). */
  public void dropRef(String ref) {
    refs.remove(ref);
  }

  // ---- internals -----------------------------------------------------------------------------

  private Optional<Deployment> booted() {
    return deployments.stream().filter(Deployment::booted).findFirst();
  }

  private Optional<Deployment> staged() {
    return deployments.stream().filter(Deployment::staged).findFirst();
  }

  private RemoteCommit remoteCommit(String commit) throws HostOsException {
    RemoteCommit found = remote.get(commit);
    if (found == null) {
      throw new HostOsException(Kind.NOT_FOUND, "the remote has no commit " + commit);
    }
    return found;
  }

  private static void checkSignature(String commit, byte[] signedWith, VerificationPolicy policy)
      throws HostOsException {
    if (!policy.required()) {
      return;
    }
    if (signedWith == null) {
      throw new HostOsException(Kind.SIGNATURE, "commit " + commit + " is not signed");
    }
    boolean trusted = policy.trustedKeys().stream().anyMatch(k -> Arrays.equals(k, signedWith));
    if (!trusted) {
      throw new HostOsException(
          Kind.SIGNATURE, "commit " + commit + " is signed by a key that is not trusted");
    }
  }

  private void maybeFail(Op op) throws HostOsException {
    Queue<HostOsException> queue = failures.get(op);
    if (queue != null && !queue.isEmpty()) {
      throw queue.remove();
    }
  }

  private static boolean matches(String arg, String removal) {
    return removal.contains("=") ? arg.equals(removal) : arg.split("=", 2)[0].equals(removal);
  }
}
