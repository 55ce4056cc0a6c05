package dev.treewave.ostree.pull;

import dev.treewave.ostree.sign.VerificationPolicy;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What to pull and how. {@code refs} holds ref names (resolved through the summary or {@code
 * refs/heads/}), 64-hex commit checksums, or {@code REF@CHECKSUM} (pull that commit, record it
 * under REF). An empty list with {@code mirror} pulls every ref of the summary.
 *
 * @param remoteName refs are written as {@code REMOTE:REF}; empty = local refs ({@code pull-local})
 * @param depth parents to follow: 0 just the tip, -1 all history
 * @param parallelism concurrent object fetches
 * @param useDeltas use static deltas advertised by the remote
 * @param timestampCheck libostree's {@code --timestamp-check}: refuse to move a ref to a commit
 *     whose timestamp is older than the commit it points to now
 */
public record PullOptions(
    Optional<String> remoteName,
    List<String> refs,
    VerificationPolicy verification,
    int depth,
    boolean mirror,
    boolean commitMetadataOnly,
    boolean useDeltas,
    int parallelism,
    Consumer<PullProgress> progress,
    boolean timestampCheck) {

  public PullOptions {
    refs = List.copyOf(refs);
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    if (depth < -1) {
      throw new IllegalArgumentException("depth must be -1 (all) or >= 0");
    }
  }

  /** Pull {@code refs} from remote {@code remote}, verifying per {@code verification}. */
  public static PullOptions of(String remote, List<String> refs, VerificationPolicy verification) {
    return new PullOptions(
        Optional.of(remote), refs, verification, 0, false, false, true, 8, p -> {}, false);
  }

  public PullOptions withDepth(int d) {
    return copy(c -> c.depth = d);
  }

  public PullOptions withMirror(boolean m) {
    return copy(c -> c.mirror = m);
  }

  public PullOptions withCommitMetadataOnly(boolean m) {
    return copy(c -> c.commitMetadataOnly = m);
  }

  public PullOptions withDeltas(boolean d) {
    return copy(c -> c.useDeltas = d);
  }

  public PullOptions withParallelism(int p) {
    return copy(c -> c.parallelism = p);
  }

  public PullOptions withProgress(Consumer<PullProgress> p) {
    return copy(c -> c.progress = p);
  }

  public PullOptions withRemoteName(Optional<String> r) {
    return copy(c -> c.remoteName = r);
  }

  public PullOptions withTimestampCheck(boolean t) {
    return copy(c -> c.timestampCheck = t);
  }

  /**
   * These options with the fields {@code change} sets replaced; the one place that lists every
   * component, so adding one touches a single constructor call and the compact constructor still
   * validates every copy.
   */
  private PullOptions copy(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new PullOptions(
        f.remoteName,
        f.refs,
        f.verification,
        f.depth,
        f.mirror,
        f.commitMetadataOnly,
        f.useDeltas,
        f.parallelism,
        f.progress,
        f.timestampCheck);
  }

  /** A mutable scratch copy of the components, alive only inside {@link #copy}. */
  private static final class Fields {
    Optional<String> remoteName;
    List<String> refs;
    VerificationPolicy verification;
    int depth;
    boolean mirror;
    boolean commitMetadataOnly;
    boolean useDeltas;
    int parallelism;
    Consumer<PullProgress> progress;
    boolean timestampCheck;

    Fields(PullOptions o) {
      remoteName = o.remoteName;
      refs = o.refs;
      verification = o.verification;
      depth = o.depth;
      mirror = o.mirror;
      commitMetadataOnly = o.commitMetadataOnly;
      useDeltas = o.useDeltas;
      parallelism = o.parallelism;
      progress = o.progress;
      timestampCheck = o.timestampCheck;
    }
  }
}
