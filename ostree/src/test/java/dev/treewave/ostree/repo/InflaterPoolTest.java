package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InflaterPoolTest {
  @TempDir Path tmp;

  @Test
  void objectsOpenAtOnceAndReopenedInflateIndependently() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.ARCHIVE);
    FileHeader file = FileHeader.regular(0, 0, 0644, List.of());
    Random r = new Random(5);
    byte[] a = new byte[300_000];
    byte[] b = new byte[200_000];
    r.nextBytes(a);
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i % 7); // compressible: a different inflater state from a's
    }
    ObjectId idA = repo.writeContent(file, new ByteArrayInputStream(a), a.length);
    ObjectId idB = repo.writeContent(file, new ByteArrayInputStream(b), b.length);
    for (int round = 0; round < 3; round++) {
      // a delta holds a file and its previous version open together on one thread
      try (ContentObject ca = repo.openContent(idA);
          ContentObject cb = repo.openContent(idB)) {
        byte[] gotA = new byte[a.length];
        byte[] gotB = new byte[b.length];
        int offA = 0;
        int offB = 0;
        while (offA < a.length || offB < b.length) {
          offA += read(ca.content(), gotA, offA, 4096);
          offB += read(cb.content(), gotB, offB, 4096);
        }
        assertThat(gotA).isEqualTo(a);
        assertThat(gotB).isEqualTo(b);
        ca.close(); // closed twice (here and by the try): the inflater goes back once
      }
    }
    // an object abandoned half-read leaves no state behind for the next reader
    ContentObject half = repo.openContent(idA);
    half.content().readNBytes(1000);
    half.close();
    try (ContentObject c = repo.openContent(idB)) {
      assertThat(c.content().readAllBytes()).isEqualTo(b);
    }
  }

  private static int read(InputStream in, byte[] buf, int off, int max) throws Exception {
    int n = Math.min(max, buf.length - off);
    return n == 0 ? 0 : Math.max(0, in.readNBytes(buf, off, n));
  }
}
