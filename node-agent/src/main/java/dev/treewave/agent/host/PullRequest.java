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
 * @param pinned whether {@code commit} was pinned explicitly (a GitOps rollback pins an older
 *     commit) rather than resolved from the ref: only a pinned commit may be older than the one the
 *     local ref already records; otherwise the pull refuses it (libostree's --timestamp-check), so
 *     a mirror replaying an older signed commit cannot downgrade the node
 */
public record PullRequest(
    URI url, String ref, String commit, VerificationPolicy verification, boolean pinned) {

  /** A request for an explicitly given commit (pinned: it may be older than the local ref). */
  public PullRequest(URI url, String ref, String commit, VerificationPolicy verification) {
    this(url, ref, commit, verification, true);
  }

  public PullRequest {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(verification, "verification");
  }
}
