package dev.treewave.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks that committed copies of generated files have not drifted from their source: the CRDs
 * committed in crds/ against the generator's output, and the chart's copies against those. One
 * check for every such pair, so each compares the same way (same names, byte for byte, never
 * vacuously on an empty directory).
 */
public final class FileCopies {
  private FileCopies() {}

  /** The names of the files in {@code dir} ending in {@code suffix}, sorted. */
  public static List<String> names(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(suffix))
          .sorted()
          .toList();
    }
  }

  /**
   * {@code copy} holds exactly the {@code suffix} files of {@code source}, with the same contents;
   * a failure says {@code fix}.
   */
  public static void assertSameFiles(Path source, Path copy, String suffix, String fix)
      throws IOException {
    List<String> names = names(source, suffix);
    assertThat(names(copy, suffix)).as(fix).isEqualTo(names).isNotEmpty();
    for (String name : names) {
      assertThat(Files.readString(copy.resolve(name)))
          .as(fix + " (" + name + ")")
          .isEqualTo(Files.readString(source.resolve(name)));
    }
  }
}
