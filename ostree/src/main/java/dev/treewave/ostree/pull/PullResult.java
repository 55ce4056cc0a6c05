package dev.treewave.ostree.pull;

import dev.treewave.ostree.core.ObjectId;
import java.util.List;
import java.util.Map;

/**
 * What a pull did: the refs it wrote (refspec → commit), every commit it verified with the
 * signature descriptions, and final counters.
 */
public record PullResult(
    Map<String, ObjectId> refs,
    Map<ObjectId, List<String>> verifiedSignatures,
    List<String> deltasUsed,
    PullProgress stats) {
  public PullResult {
    refs = Map.copyOf(refs);
    verifiedSignatures = Map.copyOf(verifiedSignatures);
    deltasUsed = List.copyOf(deltasUsed);
  }
}
