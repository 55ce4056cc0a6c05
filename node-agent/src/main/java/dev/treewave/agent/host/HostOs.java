package dev.treewave.agent.host;

/**
 * The agent's port to the host's OSTree system (repository + sysroot under the host root).
 *
 * <p>The agent's state machine is written against this interface only; the adapter over the {@code
 * ostree/} module's repository, pull and sysroot code implements it, and {@code FakeHostOs}
 * implements it in memory for tests. Contract for implementations:
 *
 * <ul>
 *   <li>Every mutating method is <b>idempotent</b>: the agent may call it again after a crash with
 *       the same arguments, and the second call must succeed without doing the work twice (a
 *       complete commit is not downloaded again; a commit already staged is not staged again; a
 *       deployment that is already the default stays so).
 *   <li>Every mutating method is <b>crash-safe</b>: after a crash at any point the host still boots
 *       into a known deployment (objects and bootloader entries are written atomically).
 *   <li>A staged deployment must not be finalized by an unplanned shutdown (OSTree's {@code
 *       --lock-finalization}): only {@link #makeDefault} puts a new deployment in the boot path.
 *   <li>Failures are reported as {@link HostOsException} with the {@link HostOsException.Kind} that
 *       tells the agent whether retrying can help.
 * </ul>
 */
public interface HostOs {

  /**
   * Who manages the host, which boot this is, and its deployments, read together. Cheap enough to
   * call before every step.
   */
  HostFacts inspect() throws HostOsException;

  /** Bytes free for the repository (on the filesystem that holds {@code /ostree/repo}). */
  long freeBytes() throws HostOsException;

  /**
   * What a pull of {@code request} still needs to write locally: nothing for a complete commit;
   * else, from the remote's signed commit metadata ({@code ostree.sizes}), the unpacked size of
   * every object not yet local; else an estimate from a static delta's sizes; else {@link
   * SpaceNeeded.Basis#UNKNOWN}. May fetch (and verify, as {@link #pull} would) the commit object,
   * but no content.
   */
  SpaceNeeded spaceNeeded(PullRequest request) throws HostOsException;

  /** Whether {@code commit} and everything it references is in the local repository. */
  boolean hasCommit(String commit) throws HostOsException;

  /**
   * Downloads {@code request.commit()} and everything it references into the local repository and
   * points {@code request.ref()} at it. Checks the commit's signature against {@code
   * request.verification()} before fetching content (kind {@link HostOsException.Kind#SIGNATURE} on
   * failure) and every object's checksum as it arrives. Reports progress to {@code listener}.
   */
  void pull(PullRequest request, PullProgressListener listener) throws HostOsException;

  /**
   * Checks, on the local repository, that {@code commit} is signed as {@code policy} demands (and
   * that the commit object itself is intact). Returns a short description of who signed it, e.g.
   * the key id; returns "verification disabled" for a disabled policy.
   */
  String verify(String commit, VerificationPolicy policy) throws HostOsException;

  /**
   * Stages a deployment of a local commit ({@code ostree admin deploy --stage
   * --lock-finalization}): checks the commit out into {@code /ostree/deploy/<osName>/deploy}, does
   * the 3-way {@code /etc} merge from the booted deployment and applies the kernel arguments.
   * Replaces an older staged deployment. Returns the staged deployment.
   */
  Deployment stage(StageRequest request) throws HostOsException;

  /**
   * Makes the deployment of {@code commit} the default for the next boot: finalizes it if it is the
   * staged one (writing the bootloader entries with a boot-version swap); otherwise moves an
   * existing deployment to the top (this is how rollback works) and discards any staged deployment
   * so that shutdown does not finalize it instead. No-op if it already is the default.
   */
  void makeDefault(String commit) throws HostOsException;

  /**
   * Tells the bootloader that this boot is good: with boot counting (GRUB's {@code grubenv} counter
   * armed when a new default was written) the counter is cleared, so the bootloader stops counting
   * down towards the previous deployment. Only acts when the booted deployment is the default;
   * idempotent. Returns whether anything changed (false where nothing counts boots).
   */
  boolean markBootSuccessful() throws HostOsException;

  /** Removes a deployment that is neither booted, default, staged nor pinned. */
  void undeploy(Deployment deployment) throws HostOsException;

  /**
   * Deletes objects no ref and no deployment references ({@code ostree prune --refs-only}). Returns
   * the bytes freed.
   */
  long pruneRepository() throws HostOsException;
}
