package dev.treewave.ostree.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.SingleXZInputStream;

/** Stored and compressed blocks in one .xz stream, read back by xz-java's strict decoder. */
class XzBlockWriterTest {
  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] unxz(byte[] xz) throws IOException {
    // a single stream: trailing garbage or a second stream would be an error
    try (SingleXZInputStream in = new SingleXZInputStream(new ByteArrayInputStream(xz))) {
      byte[] out = in.readAllBytes();
      assertThat(in.read()).isEqualTo(-1);
      return out;
    }
  }

  @Test
  void storedChunksRoundTripAtEveryChunkBoundary() throws IOException {
    for (int n : new int[] {1, 65_535, 65_536, 65_537, 200_000}) {
      byte[] data = random(n, n);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (XzBlockWriter w = new XzBlockWriter(out, new BasicArrayCache())) {
        w.startStoredBlock();
        w.write(data, 0, Math.min(7, n));
        w.write(data, Math.min(7, n), n - Math.min(7, n));
      }
      assertThat(unxz(out.toByteArray())).isEqualTo(data);
      // 3 bytes per 64 KiB chunk plus the container: no more than a few dozen bytes of overhead
      assertThat(out.size()).isBetween(n, n + 3 * (n / 65_536 + 1) + 64);
    }
  }

  @Test
  void storedAndCompressedBlocksAlternate() throws IOException {
    byte[] text =
        "Package: treewave\nVersion: 1\n".repeat(5_000).getBytes(StandardCharsets.US_ASCII);
    byte[] noise = random(100_000, 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LZMA2Options o = PartFileWriter.xzOptions(6, text.length);
    try (XzBlockWriter w = new XzBlockWriter(out, new BasicArrayCache())) {
      w.startCompressedBlock(o);
      w.write(text);
      w.startStoredBlock();
      w.write(noise);
      w.startCompressedBlock(o);
      w.write(text);
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(text);
    expected.write(noise);
    expected.write(text);
    assertThat(unxz(out.toByteArray())).isEqualTo(expected.toByteArray());
    // the text compresses, the noise does not
    assertThat(out.size()).isBetween(noise.length, noise.length + 10_000);
  }

  @Test
  void dictionarySizePropertyCoversTheRequestedSize() {
    assertThat(XzBlockWriter.dictSizeProperty(4096)).isEqualTo((byte) 0);
    assertThat(XzBlockWriter.dictSizeProperty(65_536)).isEqualTo((byte) 8);
    assertThat(XzBlockWriter.dictSizeProperty(65_537)).isEqualTo((byte) 9);
    assertThat(XzBlockWriter.dictSizeProperty(2 << 20)).isEqualTo((byte) 18);
  }
}
