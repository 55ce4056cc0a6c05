package dev.treewave.ostree.summary;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One ref of a summary: the commit it points to, the commit object's size (clients cap the commit
 * download with it) and per-ref metadata ({@code ostree.commit.timestamp}, {@code
 * ostree.commit.version}).
 */
public record SummaryRef(
    String name, long commitSize, ObjectId commit, Map<String, GVariant> metadata) {
  public static final String TIMESTAMP_KEY = "ostree.commit.timestamp";
  public static final String VERSION_KEY = "ostree.commit.version";

  public SummaryRef {
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The commit timestamp (seconds), stored big-endian like every ostree-owned integer. */
  public Optional<Long> timestamp() {
    return metadata.get(TIMESTAMP_KEY) instanceof GVariant.U64 t
        ? Optional.of(Long.reverseBytes(t.value()))
        : Optional.empty();
  }

  public Optional<String> version() {
    return metadata.get(VERSION_KEY) instanceof GVariant.Str s
        ? Optional.of(s.value())
        : Optional.empty();
  }
}
