package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * How a modified file goes into a delta against its previous version (same path in the source
 * commit): as copies plus literal bytes when at least half of it can be copied (ostree's rollsum
 * rule), else as a bsdiff patch when that carries clearly less than the file itself and less than
 * the copy encoding would, else not as a diff at all (whole, or as a fallback).
 */
final class FileDiffChoice {
  /** Files above this size are never diffed. */
  static final long MAX_DIFF_SIZE = 64L * 1024 * 1024;

  /** A chosen encoding of the new content. */
  sealed interface Encoding {}

  /** Copies from the old version and literals, in order. */
  record Copies(List<RollingDiff.Segment> segments) implements Encoding {}

  /** A bsdiff patch to apply to the old version. */
  record Patch(byte[] bytes) implements Encoding {}

  private final OstreeRepo repo;
  private final long maxBsdiffSize;
  private final ContentBuffers buffers;

  FileDiffChoice(OstreeRepo repo, long maxBsdiffSize, ContentBuffers buffers) {
    this.repo = repo;
    this.maxBsdiffSize = maxBsdiffSize;
    this.buffers = buffers;
  }

  /** Whether a file of {@code size} bytes with a previous version {@code oldId} may be diffed. */
  static boolean isCandidate(ObjectId oldId, long size) {
    return oldId != null && size >= 16 * 1024 && size <= MAX_DIFF_SIZE;
  }

  /** The encoding of {@code data} against {@code oldId}, or empty when neither diff pays. */
  Optional<Encoding> choose(DiffInput data, ObjectId oldId) throws IOException {
    int size = data.length();
    if (!isCandidate(oldId, size)) {
      return Optional.empty();
    }
    DiffInput old;
    try (ContentObject co = repo.openContent(oldId)) {
      if (co.header().isSymlink() || co.size() > MAX_DIFF_SIZE) {
        return Optional.empty();
      }
      old = buffers.load(co.content(), co.size(), true);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // no usable previous version: send the file whole
    }
    try (old) {
      List<RollingDiff.Segment> segs = RollingDiff.diff(old, data);
      long copied = RollingDiff.copied(segs);
      if (copied * 2 >= size) {
        return Optional.of(new Copies(segs));
      }
      if (!(old instanceof DiffInput.InMemory o) || !(data instanceof DiffInput.InMemory n)) {
        return Optional.empty();
      }
      Optional<Bsdiff.Patch> patch = bsdiff(o.bytes(), n.bytes());
      if (patch.isPresent()
          && patch.get().literalBytes() < size - copied
          && patch.get().literalBytes() * 2 < size) {
        return Optional.of(new Patch(patch.get().bytes()));
      }
      return Optional.empty();
    }
  }

  /** A bsdiff patch if enabled and the suffix array fits comfortably in this JVM's heap. */
  private Optional<Bsdiff.Patch> bsdiff(byte[] old, byte[] data) {
    if (maxBsdiffSize <= 0
        || old.length + (long) data.length > maxBsdiffSize
        || Bsdiff.memoryNeeded(old.length, data.length) > Runtime.getRuntime().maxMemory() / 4) {
      return Optional.empty();
    }
    // the bounds above keep the suffix array within the heap; the sort itself uses no call stack
    return Optional.of(Bsdiff.diff(old, data));
  }
}
