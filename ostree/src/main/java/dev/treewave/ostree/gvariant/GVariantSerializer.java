package dev.treewave.ostree.gvariant;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes GVariant values in normal form. Everything goes into one buffer: because a container is
 * always placed at a multiple of its own alignment (the maximum of its children's), aligning to
 * absolute buffer positions equals aligning relative to each container's start.
 */
final class GVariantSerializer {
  private byte[] buf = new byte[256];
  private int len;

  private GVariantSerializer() {}

  static byte[] serialize(GVariant value) {
    GVariantSerializer s = new GVariantSerializer();
    s.write(value);
    return Arrays.copyOf(s.buf, s.len);
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  private void pad(int alignment) {
    int target = GVariantType.align(len, alignment);
    ensure(target - len);
    len = target; // the buffer is zero-filled, so padding bytes are 0
  }

  private void put(byte b) {
    ensure(1);
    buf[len++] = b;
  }

  private void put(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  private void putLe(long v, int width) {
    ensure(width);
    for (int i = 0; i < width; i++) {
      buf[len++] = (byte) (v >>> (8 * i));
    }
  }

  private void write(GVariant v) {
    if (v instanceof GVariant.U8 x) {
      put(x.value());
    } else if (v instanceof GVariant.Bool x) {
      put((byte) (x.value() ? 1 : 0));
    } else if (v instanceof GVariant.I16 x) {
      putLe(x.value(), 2);
    } else if (v instanceof GVariant.U16 x) {
      putLe(x.value(), 2);
    } else if (v instanceof GVariant.I32 x) {
      putLe(x.value(), 4);
    } else if (v instanceof GVariant.U32 x) {
      putLe(x.value(), 4);
    } else if (v instanceof GVariant.I64 x) {
      putLe(x.value(), 8);
    } else if (v instanceof GVariant.U64 x) {
      putLe(x.value(), 8);
    } else if (v instanceof GVariant.F64 x) {
      putLe(Double.doubleToRawLongBits(x.value()), 8);
    } else if (v instanceof GVariant.Str x) {
      put(x.value().getBytes(StandardCharsets.UTF_8));
      put((byte) 0);
    } else if (v instanceof GVariant.Bytes x) {
      put(x.raw());
    } else if (v instanceof GVariant.Var x) {
      write(x.value());
      put((byte) 0);
      put(x.value().type().signature().getBytes(StandardCharsets.US_ASCII));
    } else if (v instanceof GVariant.Maybe x) {
      if (x.value() != null) {
        write(x.value());
        if (!x.elementType().isFixedSize()) {
          put((byte) 0);
        }
      }
    } else if (v instanceof GVariant.Arr x) {
      writeArray(x);
    } else if (v instanceof GVariant.Tuple x) {
      writeTuple(x.members());
    } else if (v instanceof GVariant.Entry x) {
      writeTuple(List.of(x.key(), x.value()));
    } else {
      throw new IllegalStateException("unknown GVariant " + v);
    }
  }

  private void writeArray(GVariant.Arr a) {
    GVariantType el = a.elementType();
    int start = len;
    if (el.isFixedSize()) {
      for (GVariant e : a.elements()) {
        write(e);
      }
      return;
    }
    long[] ends = new long[a.elements().size()];
    int i = 0;
    for (GVariant e : a.elements()) {
      pad(el.alignment());
      write(e);
      ends[i++] = len - start;
    }
    appendOffsets(start, ends);
  }

  private void writeTuple(List<GVariant> members) {
    int start = len;
    long[] ends = new long[members.size()];
    int n = 0;
    boolean fixed = true;
    int alignment = 1;
    for (int i = 0; i < members.size(); i++) {
      GVariant m = members.get(i);
      GVariantType t = m.type();
      alignment = Math.max(alignment, t.alignment());
      pad(t.alignment());
      write(m);
      if (!t.isFixedSize()) {
        fixed = false;
        if (i < members.size() - 1) {
          ends[n++] = len - start;
        }
      }
    }
    if (members.isEmpty()) {
      put((byte) 0);
      return;
    }
    if (fixed) {
      pad(alignment);
      return;
    }
    // Offsets of non-last variable members, written in reverse order.
    long[] reversed = new long[n];
    for (int i = 0; i < n; i++) {
      reversed[i] = ends[n - 1 - i];
    }
    appendOffsets(start, reversed);
  }

  private void appendOffsets(int start, long[] offsets) {
    if (offsets.length == 0) {
      return;
    }
    long body = len - start;
    int w = GVariantFraming.writeWidth(body, offsets.length);
    for (long o : offsets) {
      putLe(o, w);
    }
  }
}
