package dev.treewave.ostree.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class BspatchTest {
  static void offt(ByteArrayOutputStream out, long v) {
    long m = Math.abs(v);
    for (int i = 0; i < 8; i++) {
      int b = (int) (m >>> (8 * i)) & 0xff;
      if (i == 7 && v < 0) {
        b |= 0x80;
      }
      out.write(b);
    }
  }

  @Test
  void appliesDiffExtraAndSeek() {
    byte[] old = "hello world".getBytes();
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    // copy 5 bytes of "hello" with +0 diff except first byte +('J'-'h'), then extra "!!", seek -5
    offt(p, 5);
    offt(p, 2);
    offt(p, -5);
    p.write('J' - 'h');
    p.writeBytes(new byte[4]);
    p.writeBytes("!!".getBytes());
    offt(p, 5);
    offt(p, 0);
    offt(p, 0);
    p.writeBytes(new byte[5]);
    byte[] out = new byte[12];
    Bspatch.apply(old, p.toByteArray(), out);
    assertThat(new String(out)).isEqualTo("Jello!!hello");
    assertThatThrownBy(() -> Bspatch.apply(old, new byte[10], new byte[3]))
        .isInstanceOf(DeltaException.class);
  }
}
