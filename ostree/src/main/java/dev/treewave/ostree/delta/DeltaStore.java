package dev.treewave.ostree.delta;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The static deltas present in a repository's {@code deltas/} directory. */
public final class DeltaStore {
  private DeltaStore() {}

  /** Every delta with a superblock, sorted by name. */
  public static List<DeltaName> list(Path repo) {
    Path deltas = repo.resolve("deltas");
    List<DeltaName> out = new ArrayList<>();
    if (!Files.isDirectory(deltas)) {
      return out;
    }
    try (Stream<Path> prefixes = Files.list(deltas)) {
      for (Path p : (Iterable<Path>) prefixes::iterator) {
        String prefix = p.getFileName().toString();
        if (!Files.isDirectory(p) || prefix.length() != 2) {
          continue;
        }
        try (Stream<Path> rests = Files.list(p)) {
          for (Path r : (Iterable<Path>) rests::iterator) {
            if (!Files.isRegularFile(r.resolve("superblock"))) {
              continue;
            }
            parseDir(prefix + r.getFileName()).ifPresent(out::add);
          }
        }
      }
    } catch (IOException e) {
      throw new DeltaException("Listing static deltas: " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(DeltaName::toString));
    return out;
  }

  private static java.util.Optional<DeltaName> parseDir(String joined) {
    try {
      int dash = joined.indexOf('-');
      if (dash < 0) {
        return java.util.Optional.of(DeltaName.scratch(DeltaName.fromB64(joined)));
      }
      return java.util.Optional.of(
          DeltaName.of(
              DeltaName.fromB64(joined.substring(0, dash)),
              DeltaName.fromB64(joined.substring(dash + 1))));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty(); // not a delta directory
    }
  }
}
