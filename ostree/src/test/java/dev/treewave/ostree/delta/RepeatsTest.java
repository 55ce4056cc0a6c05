package dev.treewave.ostree.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RepeatsTest {
  private static double share(byte[] b, long window) {
    Repeats r = new Repeats(window);
    r.write(b, 0, b.length);
    return r.repeatedShare();
  }

  @Test
  void randomBytesRepeatNothing() {
    byte[] b = new byte[3_000_000];
    new Random(1).nextBytes(b);
    assertThat(share(b, 2 << 20)).isZero();
  }

  @Test
  void aRunRepeatedWithinTheWindowCountsAndOneBeyondItDoesNot() {
    // 1 MB random, then its first 100 KB again right after: about a tenth of the anchors repeat
    byte[] b = new byte[1_100_000];
    byte[] head = new byte[1_000_000];
    new Random(2).nextBytes(head);
    System.arraycopy(head, 0, b, 0, head.length);
    System.arraycopy(head, 0, b, head.length, 100_000);
    assertThat(share(b, 2 << 20)).isBetween(0.07, 0.12);
    // the copy starts a megabyte after its original: outside a 512 KB window
    assertThat(share(b, 512 * 1024)).isZero();
  }
}
