package dev.treewave.ostree.sign;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which signatures a pull requires: every verifier in {@link #commit()} must accept each pulled
 * commit, every verifier in {@link #summary()} the summary. Empty lists verify nothing.
 */
public record VerificationPolicy(List<SignatureVerifier> commit, List<SignatureVerifier> summary) {
  public static final VerificationPolicy NONE = new VerificationPolicy(List.of(), List.of());

  public VerificationPolicy {
    commit = List.copyOf(commit);
    summary = List.copyOf(summary);
  }

  /** Verifies a commit's exact bytes against its detached metadata; returns what was verified. */
  public List<String> verifyCommit(
      ObjectId id, byte[] commitBytes, Map<String, GVariant> commitMeta) {
    List<String> out = new ArrayList<>();
    for (SignatureVerifier v : commit) {
      out.add(v.verifyDetached(commitBytes, commitMeta, "commit " + id));
    }
    return out;
  }

  /** Verifies summary bytes against {@code summary.sig} (null if the server had none). */
  public List<String> verifySummary(byte[] summaryBytes, Map<String, GVariant> summarySig) {
    List<String> out = new ArrayList<>();
    for (SignatureVerifier v : summary) {
      if (summarySig == null) {
        throw new SignatureException(
            v.engine() + " summary verification enabled, but the remote has no summary.sig");
      }
      out.add(v.verifyDetached(summaryBytes, summarySig, "summary"));
    }
    return out;
  }
}
