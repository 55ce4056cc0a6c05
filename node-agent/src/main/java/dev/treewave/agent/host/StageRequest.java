package dev.treewave.agent.host;

import java.util.Objects;

/**
 * What to stage: a deployment of a commit that is already in the local repository.
 *
 * @param osName the stateroot to deploy into
 * @param commit the commit to deploy
 * @param kernelArgs changes to the kernel command line relative to the booted deployment
 */
public record StageRequest(String osName, String commit, KernelArgs kernelArgs) {

  public StageRequest {
    Objects.requireNonNull(osName, "osName");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(kernelArgs, "kernelArgs");
  }
}
