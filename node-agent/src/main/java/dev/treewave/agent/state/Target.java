package dev.treewave.agent.state;

import dev.treewave.agent.host.KernelArgs;
import dev.treewave.agent.host.VerificationPolicy;
import java.net.URI;
import java.util.Objects;

/**
 * Where an instruction's commit comes from and how it is deployed, as the node's spec says.
 *
 * @param osName the stateroot to deploy into
 * @param url the repository's base URL
 * @param ref the ref the commit belongs to
 * @param pinned the OSImage pins the commit, so it may be older than what the ref holds locally;
 *     otherwise the pull refuses an older commit (a mirror replaying an old signed commit)
 */
public record Target(
    String osName,
    URI url,
    String ref,
    VerificationPolicy verification,
    KernelArgs kernelArgs,
    boolean pinned) {

  /** A target resolved from the ref, not pinned. */
  public Target(
      String osName, URI url, String ref, VerificationPolicy verification, KernelArgs kernelArgs) {
    this(osName, url, ref, verification, kernelArgs, false);
  }

  public Target {
    Objects.requireNonNull(osName, "osName");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(verification, "verification");
    Objects.requireNonNull(kernelArgs, "kernelArgs");
  }
}
