package dev.treewave.agent.host;

import java.util.Objects;

/**
 * What a pull still needs to write to the repository's filesystem, and where that number comes
 * from, so that a check against free space can say how much it trusts it.
 *
 * @param bytes bytes still to write (0 for {@link Basis#COMPLETE} and {@link Basis#UNKNOWN})
 * @param basis where the number comes from
 * @param detail a short human explanation, e.g. "unpacked size of 812 objects not yet in the
 *     repository, from the commit's ostree.sizes"
 */
public record SpaceNeeded(long bytes, Basis basis, String detail) {

  /** The source of the number. */
  public enum Basis {
    /** The commit and everything it references is already local. */
    COMPLETE,
    /** Exact: the signed commit's {@code ostree.sizes} metadata, minus what is local. */
    COMMIT_SIZES,
    /** An estimate: the uncompressed sizes of a static delta the remote advertises. */
    DELTA_SIZES,
    /** Nothing published tells the size; only the reserve can be checked. */
    UNKNOWN
  }

  public SpaceNeeded {
    Objects.requireNonNull(basis, "basis");
    Objects.requireNonNull(detail, "detail");
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative");
    }
  }

  public static SpaceNeeded complete() {
    return new SpaceNeeded(0, Basis.COMPLETE, "the commit is already in the repository");
  }

  public static SpaceNeeded unknown(String why) {
    return new SpaceNeeded(0, Basis.UNKNOWN, why);
  }

  public boolean known() {
    return basis != Basis.UNKNOWN;
  }

  /** E.g. "12345 bytes (unpacked size of ...)" or "an unknown number of bytes (...)". */
  public String describe() {
    return known()
        ? bytes + " bytes (" + detail + ")"
        : "an unknown number of bytes (" + detail + ")";
  }
}
