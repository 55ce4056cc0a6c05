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
    return new PullOptions(
        remoteName,
        refs,
        verification,
        d,
        mirror,
        commitMetadataOnly,
        useDeltas,
        parallelism,
        progress,
        timestampCheck);
  }

  public PullOptions withMirror(boolean m) {
    return new PullOptions(
        remoteName,
        refs,
        verification,
        depth,
        m,
        commitMetadataOnly,
        useDeltas,
        parallelism,
        progress,
        timestampCheck);
  }

  public PullOptions withCommitMetadataOnly(boolean c) {
    return new PullOptions(
        remoteName,
        refs,
        verification,
        depth,
        mirror,
        c,
        useDeltas,
        parallelism,
        progress,
        timestampCheck);
  }

  public PullOptions withDeltas(boolean d) {
    return new PullOptions(
        remoteName,
        refs,
        verification,
        depth,
        mirror,
        commitMetadataOnly,
        d,
        parallelism,
        progress,
        timestampCheck);
  }

  public PullOptions withParallelism(int p) {
    return new PullOptions(
        remoteName,
        refs,
        verification,
        depth,
        mirror,
        commitMetadataOnly,
        useDeltas,
        p,
        progress,
        timestampCheck);
  }

  public PullOptions withProgress(Consumer<PullProgress> p) {
    return new PullOptions(
        remoteName,
        refs,
        verification,
        depth,
        mirror,
        commitMetadataOnly,
        useDeltas,
        parallelism,
        p,
        timestampCheck);
  }

  public PullOptions withRemoteName(Optional<String> r) {
    return new PullOptions(
        r,
        refs,
        verification,
        depth,
        mirror,
        commitMetadataOnly,
        useDeltas,
        parallelism,
        progress,
        timestampCheck);
  }

  public PullOptions withTimestampCheck(boolean t) {
    return new PullOptions(
        remoteName,
        refs,
        verification,
        depth,
        mirror,
        commitMetadataOnly,
        useDeltas,
        parallelism,
        progress,
        t);
  }
}
