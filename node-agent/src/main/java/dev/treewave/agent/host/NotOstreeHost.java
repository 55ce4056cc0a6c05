package dev.treewave.agent.host;

/**
 * The host as seen when it is no OSTree system at all (no {@code /ostree/repo}): the agent must
 * still run, to report {@code Unmanaged} on the node's OSNode, but can do nothing else.
 */
public final class NotOstreeHost implements HostOs {

  private final String detail;
  private final String bootId;

  public NotOstreeHost(String detail, String bootId) {
    this.detail = detail;
    this.bootId = bootId;
  }

  @Override
  public HostFacts inspect() {
    return new HostFacts(new Management.NotOstreeBooted(detail), bootId, Deployments.of());
  }

  private HostOsException refused() {
    return new HostOsException(HostOsException.Kind.FAILED, "not an OSTree host: " + detail);
  }

  @Override
  public long freeBytes() throws HostOsException {
    throw refused();
  }

  @Override
  public SpaceNeeded spaceNeeded(PullRequest request) throws HostOsException {
    throw refused();
  }

  @Override
  public boolean hasCommit(String commit) throws HostOsException {
    throw refused();
  }

  @Override
  public void pull(PullRequest request, PullProgressListener listener) throws HostOsException {
    throw refused();
  }

  @Override
  public String verify(String commit, VerificationPolicy policy) throws HostOsException {
    throw refused();
  }

  @Override
  public Deployment stage(StageRequest request) throws HostOsException {
    throw refused();
  }

  @Override
  public void makeDefault(String commit) throws HostOsException {
    throw refused();
  }

  @Override
  public void undeploy(Deployment deployment) throws HostOsException {
    throw refused();
  }

  @Override
  public boolean markBootSuccessful() {
    return false;
  }

  @Override
  public long pruneRepository() throws HostOsException {
    throw refused();
  }
}
