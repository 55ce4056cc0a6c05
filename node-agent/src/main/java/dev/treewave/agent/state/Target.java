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
 */
public record Target(
    String osName, URI url, String ref, VerificationPolicy verification, KernelArgs kernelArgs) {

  public Target {
    Objects.requireNonNull(osName, "osName");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(verification, "verification");
    Objects.requireNonNull(kernelArgs, "kernelArgs");
  }
}
