package dev.treewave.ostree.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BsdiffTest {
  private static byte[] roundTrip(byte[] old, byte[] neu) {
    Bsdiff.Patch p = Bsdiff.diff(old, neu);
    byte[] out = new byte[neu.length];
    Bspatch.apply(old, p.bytes(), out);
    assertThat(out).isEqualTo(neu);
    return p.bytes();
  }

  @Test
  void suffixArrayIsSortedForAwkwardInputs() {
    Random r = new Random(1);
    List<byte[]> inputs = new ArrayList<>();
    inputs.add(new byte[0]);
    inputs.add(new byte[] {0});
    inputs.add(new byte[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5});
    inputs.add("mississippi banana bandana".getBytes());
    for (int n : new int[] {17, 100, 1000, 5000}) {
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        b[i] = (byte) r.nextInt(3); // few symbols: long equal prefixes
      }
      inputs.add(b);
      byte[] c = new byte[n];
      r.nextBytes(c);
      inputs.add(c);
    }
    for (byte[] in : inputs) {
      int[] sa = Bsdiff.suffixArray(in);
      Integer[] expected = new Integer[in.length + 1];
      for (int i = 0; i <= in.length; i++) {
        expected[i] = i;
      }
      Comparator<Integer> bySuffix =
          (a, b) -> Arrays.compareUnsigned(in, a, in.length, in, b, in.length);
      Arrays.sort(expected, bySuffix);
      assertThat(sa).containsExactly(Arrays.stream(expected).mapToInt(Integer::intValue).toArray());
    }
  }

  @Test
  void patchesRoundTripThroughBspatch() {
    Random r = new Random(2);
    roundTrip(new byte[0], new byte[0]);
    roundTrip(new byte[0], "new".getBytes());
    roundTrip("old".getBytes(), new byte[0]);
    for (int n : new int[] {10, 300, 4096, 100_000}) {
      byte[] old = new byte[n];
      r.nextBytes(old);
      byte[] neu = old.clone();
      for (int i = 0; i < n / 50 + 1; i++) {
        neu[r.nextInt(n)] ^= (byte) (1 + r.nextInt(255));
      }
      roundTrip(old, neu);
      byte[] unrelated = new byte[n];
      r.nextBytes(unrelated);
      roundTrip(old, unrelated);
    }
  }

  @Test
  void smallScatteredChangesCostLittle() {
    // like relinked code: every 1000th byte changes, so no 2 KB block of the rolling diff matches
    Random r = new Random(3);
    byte[] old = new byte[400_000];
    r.nextBytes(old);
    byte[] neu = new byte[old.length + 3000];
    System.arraycopy(old, 0, neu, 3000, old.length); // and shifted by an insertion
    r.nextBytes(Arrays.copyOf(neu, 0));
    for (int i = 3000; i < neu.length; i += 1000) {
      neu[i]++;
    }
    Bsdiff.Patch p = Bsdiff.diff(old, neu);
    byte[] out = new byte[neu.length];
    Bspatch.apply(old, p.bytes(), out);
    assertThat(out).isEqualTo(neu);
    assertThat(p.literalBytes()).isLessThan(neu.length / 20);
    List<RollingDiff.Segment> rolling = RollingDiff.diff(old, neu);
    assertThat(RollingDiff.copied(rolling)).isLessThan(neu.length / 2);
  }

  /** Runs {@code work} on a thread with a 256 KiB stack, rethrowing what it threw. */
  private static void onSmallStack(Runnable work) throws InterruptedException {
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                work.run();
              } catch (Throwable e) {
                failure[0] = e;
              }
            },
            "bsdiff-small-stack",
            256 * 1024);
    t.start();
    t.join();
    assertThat(failure[0]).isNull();
  }

  @Test
  void repetitiveInputsNeedNoDeepCallStack() throws InterruptedException {
    // long runs and short periods give the suffix sort its largest groups to split
    byte[] zeros = new byte[4 << 20];
    onSmallStack(() -> assertThat(Bsdiff.suffixArray(zeros)).hasSize(zeros.length + 1));
    Random r = new Random(4);
    byte[] period = new byte[64];
    r.nextBytes(period);
    byte[] old = new byte[1 << 20];
    for (int i = 0; i < old.length; i++) {
      old[i] = period[i % period.length];
    }
    byte[] neu = old.clone();
    neu[neu.length / 2] ^= 1;
    onSmallStack(() -> roundTrip(old, neu));
  }
}
