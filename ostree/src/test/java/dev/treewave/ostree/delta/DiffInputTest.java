package dev.treewave.ostree.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffInputTest {
  @TempDir Path dir;

  @Test
  void spooledInputsDiffExactlyLikeInMemoryOnes() throws IOException {
    Random r = new Random(5);
    byte[] old = new byte[300_000]; // several 64 KB windows
    r.nextBytes(old);
    byte[] neu = new byte[old.length + 5000];
    System.arraycopy(old, 0, neu, 0, 100_000);
    r.nextBytes(new byte[0]);
    for (int i = 100_000; i < 105_000; i++) {
      neu[i] = (byte) r.nextInt();
    }
    System.arraycopy(old, 100_000, neu, 105_000, old.length - 100_000);
    List<RollingDiff.Segment> expected = RollingDiff.diff(old, neu);
    try (DiffInput o = DiffInput.spool(new ByteArrayInputStream(old), old.length, dir);
        DiffInput n = DiffInput.spool(new ByteArrayInputStream(neu), neu.length, dir)) {
      assertThat(o).isInstanceOf(DiffInput.Spooled.class);
      assertThat(RollingDiff.diff(o, n)).isEqualTo(expected);
      assertThat(RollingDiff.copied(expected)).isGreaterThan(old.length - 10_000);
      // literal bytes come out of the spool as they went in
      try (BlobSpool blob = new BlobSpool(dir)) {
        n.copyTo(99_000, 200_000, blob);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        blob.writeTo(out);
        assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(neu, 99_000, 299_000));
      }
    }
    assertThat(dir.toFile().list()).isEmpty(); // spools deleted on close
  }

  @Test
  void equalRunsAgreeWithAByteByByteComparisonForEveryKindOfInput() throws IOException {
    Random r = new Random(11);
    byte[] a = new byte[200_000];
    r.nextBytes(a);
    byte[] b = java.util.Arrays.copyOf(a, a.length + 1000); // a reused buffer: longer than its data
    b[150_001] ^= 1;
    try (DiffInput sa = DiffInput.spool(new ByteArrayInputStream(a), a.length, dir);
        DiffInput sb = DiffInput.spool(new ByteArrayInputStream(b, 0, a.length), a.length, dir)) {
      DiffInput ma = DiffInput.of(a);
      DiffInput mb = DiffInput.of(b, a.length);
      assertThat(mb.length()).isEqualTo(a.length);
      for (DiffInput x : List.of(ma, sa)) {
        for (DiffInput y : List.of(mb, sb)) {
          assertThat(x.equalRun(0, y, 0, a.length)).isEqualTo(150_001);
          assertThat(x.equalRun(150_002, y, 150_002, a.length - 150_002))
              .isEqualTo(a.length - 150_002);
          assertThat(x.equalRun(10, y, 11, 5000)).isZero();
          assertThat(x.equalRun(7, y, 7, 0)).isZero();
        }
      }
    }
  }

  @Test
  void aSpoolOfTheWrongSizeIsRefused() {
    assertThatThrownBy(() -> DiffInput.spool(new ByteArrayInputStream(new byte[10]), 11, dir))
        .isInstanceOf(DeltaException.class);
    assertThat(dir.toFile().list()).isEmpty();
  }
}
