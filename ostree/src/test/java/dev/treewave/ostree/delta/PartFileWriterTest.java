package dev.treewave.ostree.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.Xattr;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartFileWriterTest {
  @TempDir Path dir;

  private static DeltaPart part(int blobSize, int opsSize) {
    Random r = new Random(blobSize);
    byte[] blob = new byte[blobSize];
    r.nextBytes(blob);
    byte[] ops = new byte[opsSize];
    r.nextBytes(ops);
    return new DeltaPart(
        List.of(new int[] {0, 0, 0100644}, new int[] {1000, 1000, 0100755}),
        List.of(List.of(), List.of(new Xattr("user.a", new byte[] {1, 2, 3}))),
        blob,
        ops);
  }

  private byte[] streamed(DeltaPart p, boolean compress, String name) throws IOException {
    Path f = dir.resolve(name);
    try (BlobSpool spool = new BlobSpool(dir.resolve("spool"))) {
      spool.copyFrom(new ByteArrayInputStream(p.blob()), p.blob().length);
      PartFileWriter.Written w =
          PartFileWriter.write(
              f,
              p.modes(),
              p.xattrs(),
              spool::writeTo,
              spool.size(),
              p.ops(),
              compress ? PartFileWriter.Packing.XZ : PartFileWriter.Packing.NONE,
              6);
      byte[] bytes = Files.readAllBytes(f);
      assertThat(w.size()).isEqualTo(bytes.length);
      assertThat(w.checksum()).isEqualTo(ObjectId.sha256(bytes));
      return bytes;
    }
  }

  @Test
  void uncompressedBytesEqualTheInMemoryEncodingForEveryOffsetWidth() throws IOException {
    // 1-, 2-, 4-byte framing offsets
    int[][] sizes = {{10, 5}, {200, 30}, {70_000, 1000}, {300_000, 17}};
    for (int[] s : sizes) {
      DeltaPart p = part(s[0], s[1]);
      assertThat(streamed(p, false, "u" + s[0])).isEqualTo(p.encode(false, 6));
    }
  }

  @Test
  void compressedPartDecodesToTheSamePayload() throws IOException {
    DeltaPart p = part(1_000_000, 400);
    DeltaPart back = DeltaPart.decode(streamed(p, true, "x"));
    assertThat(back.blob()).isEqualTo(p.blob());
    assertThat(back.ops()).isEqualTo(p.ops());
    assertThat(back.modes()).hasSize(2);
    assertThat(back.modes().get(1)).containsExactly(1000, 1000, 0100755);
    assertThat(back.xattrs().get(1).get(0).value()).containsExactly(1, 2, 3);
  }

  @Test
  void spoolRefusesAShortObjectAndResetsBetweenParts() throws IOException {
    try (BlobSpool spool = new BlobSpool(dir)) {
      assertThatThrownBy(() -> spool.copyFrom(new ByteArrayInputStream(new byte[10]), 11))
          .isInstanceOf(DeltaException.class);
      spool.reset();
      spool.writeBytes(new byte[] {7, 8});
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      spool.writeTo(out);
      spool.writeBytes(new byte[] {9});
      java.io.ByteArrayOutputStream out2 = new java.io.ByteArrayOutputStream();
      spool.writeTo(out2);
      assertThat(out.toByteArray()).containsExactly(7, 8);
      assertThat(out2.toByteArray()).containsExactly(7, 8, 9);
    }
  }

  @Test
  void dictionaryIsCappedAndShrunkToSmallParts() {
    assertThat(PartFileWriter.xzOptions(6, 100L << 20).getDictSize())
        .isEqualTo(PartFileWriter.MAX_DICT);
    assertThat(PartFileWriter.xzOptions(6, 1 << 20).getDictSize()).isEqualTo(1 << 20);
  }
}
