package dev.treewave.operator.rollout;

import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.Verification;
import java.time.Instant;

/** Turns a source into the commit to roll out: the pinned one, or the ref's current commit. */
@FunctionalInterface
public interface CommitResolver {

  /**
   * The commit to roll out. With verification on, an unpinned ref is resolved only from a summary
   * whose signature verifies.
   */
  Resolved resolve(ImageSource source, Verification verification) throws Exception;

  /**
   * When {@code commit} was made (its own timestamp), or null when unknown; used so a ref moved to
   * an older commit never silently downgrades the fleet.
   */
  default Instant commitTime(ImageSource source, String commit) throws Exception {
    return null;
  }

  /** Only pinned commits (tests, previews with --commit). */
  static CommitResolver pinned() {
    return (source, verification) -> new Resolved(source.commit(), null);
  }

  /**
   * @param time the commit's timestamp when the resolution read it, else null
   */
  record Resolved(String commit, Instant time) {}
}
