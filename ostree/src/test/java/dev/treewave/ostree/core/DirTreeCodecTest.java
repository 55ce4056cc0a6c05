package dev.treewave.ostree.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct dirtree reader and writer against the generic GVariant ones: the same bytes for every
 * tree, and on damaged bytes the same result, a tree or the same error.
 */
class DirTreeCodecTest {
  private static final String[] NAMES = {"a", "bin", "é", "\uD83D\uDE00", "lib64", "x.conf", "ß"};

  @Test
  void writesWhatTheGenericSerialiserWrites() {
    Random random = new Random(7);
    // from empty to past the 1- and 2-byte framing widths (255 and 65,535 bytes)
    for (int entries : new int[] {0, 1, 2, 3, 5, 8, 40, 200, 1500}) {
      DirTree tree = randomTree(random, entries);
      byte[] direct = tree.serialize();
      assertThat(direct).as("%d entries", entries).isEqualTo(tree.toVariant().serialize());
      assertThat(DirTree.parse(direct)).isEqualTo(tree);
      assertThat(DirTree.parseGeneric(direct)).isEqualTo(tree);
    }
    assertThat(DirTree.of(List.of(), List.of()).id()).isEqualTo(DirTree.EMPTY_ID);
  }

  @Test
  void damagedBytesGetTheGenericParsersAnswer() {
    Random random = new Random(11);
    for (int round = 0; round < 20_000; round++) {
      byte[] good = randomTree(random, random.nextInt(6)).serialize();
      byte[] bad = damage(random, good);
      assertThat(outcome(() -> DirTree.parse(bad)))
          .as("round %d: %s", round, Arrays.toString(bad))
          .isEqualTo(outcome(() -> DirTree.parseGeneric(bad)));
    }
  }

  @Test
  void anInteriorNulOrBadUtf8IsTheParsersError() {
    DirTree tree = DirTree.of(List.of(new DirTree.FileEntry("ab", id(1))), List.of());
    byte[] nul = tree.serialize();
    nul[1] = 0; // "a\0" + NUL
    byte[] badUtf8 = tree.serialize();
    badUtf8[0] = (byte) 0xC3; // a lead byte followed by 'b'
    for (byte[] bad : List.of(nul, badUtf8)) {
      assertThat(outcome(() -> DirTree.parse(bad)))
          .startsWith("GVariantFormatException")
          .isEqualTo(outcome(() -> DirTree.parseGeneric(bad)));
    }
  }

  private interface Parse {
    DirTree run();
  }

  private static String outcome(Parse parse) {
    try {
      return "ok " + parse.run();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private static byte[] damage(Random random, byte[] good) {
    byte[] b = good.clone();
    switch (random.nextInt(4)) {
      case 0 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      case 1 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
      case 2 -> b = Arrays.copyOf(b, Math.max(0, b.length - 1 - random.nextInt(3)));
      default -> {
        b = Arrays.copyOf(b, b.length + 1 + random.nextInt(2));
        b[b.length - 1] = (byte) random.nextInt(256);
      }
    }
    return b;
  }

  private static DirTree randomTree(Random random, int entries) {
    List<DirTree.FileEntry> files = new ArrayList<>();
    List<DirTree.DirEntry> dirs = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      String name = NAMES[random.nextInt(NAMES.length)] + "-" + i;
      if (random.nextBoolean()) {
        files.add(new DirTree.FileEntry(name, id(random.nextInt())));
      } else {
        dirs.add(new DirTree.DirEntry(name, id(random.nextInt()), id(random.nextInt())));
      }
    }
    return DirTree.of(files, dirs);
  }

  private static ObjectId id(int seed) {
    return ObjectId.sha256(Integer.toString(seed).getBytes(StandardCharsets.US_ASCII));
  }
}
