package dev.treewave.ostree.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompressibilityTest {
  private final Compressibility probe = new Compressibility();

  @AfterEach
  void end() {
    probe.close();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] text(int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; s.length() < n; i++) {
      s.append("Package: lib").append(i).append("\nVersion: 1.").append(i % 17).append('\n');
    }
    return s.substring(0, n).getBytes(StandardCharsets.US_ASCII);
  }

  /** Random lowercase letters: gzip takes out their redundancy, leaving none for deflate. */
  private static byte[] letters(int n) {
    byte[] b = random(n, 6);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + Math.floorMod(b[i], 26));
    }
    return b;
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  @Test
  void randomAndAlreadyCompressedBytesAreNotWorthCompressing() throws IOException {
    byte[] r = random(40_000, 1);
    assertThat(probe.worthCompressing(r, 0, r.length)).isFalse();
    byte[] big = random(3_000_000, 2);
    assertThat(probe.worthCompressing(big, 0, big.length)).isFalse();
    byte[] gz = gzip(letters(2_000_000));
    assertThat(probe.worthCompressing(gz, 0, gz.length)).isFalse();
  }

  @Test
  void textAndSmallObjectsAreCompressed() {
    byte[] t = text(1_000_000);
    assertThat(probe.worthCompressing(t, 0, t.length)).isTrue();
    byte[] small = random(Compressibility.MIN_PROBE - 1, 3);
    assertThat(probe.worthCompressing(small, 0, small.length)).isTrue();
  }

  @Test
  void aCompressibleTailAfterARandomHeadStillCounts() {
    // 90% random then 10% text: deflate saves more than 1% overall, so xz gets it
    byte[] b = new byte[1_000_000];
    System.arraycopy(random(900_000, 4), 0, b, 0, 900_000);
    System.arraycopy(text(100_000), 0, b, 900_000, 100_000);
    assertThat(probe.worthCompressing(b, 0, b.length)).isTrue();
    // and a slice of the random head alone is not
    assertThat(probe.worthCompressing(b, 100_000, 500_000)).isFalse();
  }

  @Test
  void theProbeIsReusable() {
    byte[] t = text(300_000);
    byte[] r = random(300_000, 5);
    for (int i = 0; i < 3; i++) {
      assertThat(probe.worthCompressing(t, 0, t.length)).isTrue();
      assertThat(probe.worthCompressing(r, 0, r.length)).isFalse();
    }
  }
}
