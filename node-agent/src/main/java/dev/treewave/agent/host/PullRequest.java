package dev.treewave.agent.host;

import java.net.URI;
import java.util.Objects;

/**
 * What to download: one commit from an OSTree repository served over HTTP.
 *
 * @param url the repository's base URL
 * @param ref the ref the commit belongs to (recorded locally so that pruning keeps the commit)
 * @param commit the exact commit checksum to fetch; never "whatever the ref points to now", so
 *     every node of a rollout gets the same bits
 * @param verification the signature policy; a pull must refuse a commit that does not satisfy it
 *     before it fetches the commit's content
 */
public record PullRequest(URI url, String ref, String commit, VerificationPolicy verification) {

  public PullRequest {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(verification, "verification");
  }
}
