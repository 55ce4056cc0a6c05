package dev.treewave.ostree.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DirTree#NAME_ORDER} compares names without encoding them; it must order exactly as their
 * UTF-8 bytes do, which is libostree's order, also where Java's own {@code String.compareTo}
 * (UTF-16 code units) does not: a character above the surrogates against one outside the BMP.
 */
class NameOrderTest {
  private static int byBytes(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void ordersAsUtf8BytesWhereUtf16Differs() {
    String bmpHigh = "\uFF21"; // fullwidth A: 3 UTF-8 bytes starting EF
    String astral = "\uD83D\uDE00"; // U+1F600: 4 bytes starting F0, but UTF-16 D83D < FF21
    assertThat(bmpHigh.compareTo(astral)).isPositive();
    assertThat(DirTree.NAME_ORDER.compare(bmpHigh, astral)).isNegative();
    assertThat(DirTree.NAME_ORDER.compare("a", "ab")).isNegative();
    assertThat(DirTree.NAME_ORDER.compare("ab", "ab")).isZero();
    assertThat(DirTree.NAME_ORDER.compare("B", "a")).isNegative();
    assertThat(DirTree.NAME_ORDER.compare("é", "z")).isPositive();
  }

  @Test
  void agreesWithTheBytesOnRandomNames() {
    Random random = new Random(42);
    int[] pool = {'a', 'b', '.', '-', 0x7f, 0xe9, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xffee, 0x1f600};
    for (int i = 0; i < 50_000; i++) {
      String a = randomName(random, pool);
      String b = randomName(random, pool);
      assertThat(Integer.signum(DirTree.NAME_ORDER.compare(a, b)))
          .as("%s vs %s", a, b)
          .isEqualTo(Integer.signum(byBytes(a, b)));
    }
  }

  private static String randomName(Random random, int[] pool) {
    StringBuilder s = new StringBuilder();
    int length = 1 + random.nextInt(4);
    for (int i = 0; i < length; i++) {
      s.appendCodePoint(pool[random.nextInt(pool.length)]);
    }
    return s.toString();
  }
}
