package dev.treewave.ostree.sysroot;

import dev.treewave.ostree.gvariant.GVariantFraming;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /run/ostree/staged-deployment}: the GVariant {@code a{sv}} that {@code ostree admin
 * finalize-staged} reads at shutdown (ostree-format.md section 7.7). Only the shapes that file uses
 * are supported: strings, string arrays and nested {@code a{sv}}, little-endian.
 */
public record StagedDeploymentFile(
    Ref target, Optional<Ref> mergeDeployment, Optional<List<String>> kargs) {

  /** A deployment named in the file: {@code {name: CSUM.SERIAL, osname, bootcsum}}. */
  public record Ref(String name, String osname, String bootcsum) {}

  public byte[] serialize() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("target", refMap(target));
    mergeDeployment.ifPresent(m -> root.put("merge-deployment", refMap(m)));
    kargs.ifPresent(k -> root.put("kargs", k));
    return encode(root);
  }

  public static StagedDeploymentFile parse(byte[] data) {
    Map<String, Object> root = decodeDict(data, 0, data.length);
    Object target = root.get("target");
    if (!(target instanceof Map)) {
      throw new SysrootException("staged-deployment file has no target");
    }
    Optional<Ref> merge =
        Optional.ofNullable(root.get("merge-deployment")).map(StagedDeploymentFile::ref);
    @SuppressWarnings("unchecked")
    Optional<List<String>> kargs = Optional.ofNullable((List<String>) root.get("kargs"));
    return new StagedDeploymentFile(ref(target), merge, kargs);
  }

  private static Map<String, Object> refMap(Ref r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", r.name());
    m.put("osname", r.osname());
    m.put("bootcsum", r.bootcsum());
    return m;
  }

  private static Ref ref(Object o) {
    if (!(o instanceof Map<?, ?> m)
        || !(m.get("name") instanceof String name)
        || !(m.get("osname") instanceof String osname)
        || !(m.get("bootcsum") instanceof String bootcsum)) {
      throw new SysrootException("malformed deployment in staged-deployment file: " + o);
    }
    return new Ref(name, osname, bootcsum);
  }

  // ---- GVariant encoding (normal form) ----

  static byte[] encode(Object value) {
    if (value instanceof String s) {
      return cstring(s);
    }
    if (value instanceof List<?> list) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      List<Integer> ends = new ArrayList<>();
      for (Object s : list) {
        body.writeBytes(cstring((String) s));
        ends.add(body.size());
      }
      return withOffsets(body, ends);
    }
    if (value instanceof Map<?, ?> map) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      List<Integer> ends = new ArrayList<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        pad(body, 8);
        body.writeBytes(entry((String) e.getKey(), e.getValue()));
        ends.add(body.size());
      }
      return withOffsets(body, ends);
    }
    throw new IllegalArgumentException("unsupported GVariant value: " + value);
  }

  private static byte[] entry(String key, Object value) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(cstring(key));
    int keyEnd = body.size();
    pad(body, 8);
    body.writeBytes(encode(value));
    body.write(0);
    body.writeBytes(signature(value).getBytes(StandardCharsets.US_ASCII));
    return withOffsets(body, List.of(keyEnd));
  }

  private static String signature(Object value) {
    if (value instanceof String) {
      return "s";
    }
    if (value instanceof List) {
      return "as";
    }
    return "a{sv}";
  }

  private static byte[] withOffsets(ByteArrayOutputStream body, List<Integer> offsets) {
    int size = body.size();
    if (offsets.isEmpty()) {
      return body.toByteArray();
    }
    int width = 1;
    while (width < 8 && size + (long) offsets.size() * width > maxFor(width)) {
      width *= 2;
    }
    for (int off : offsets) {
      for (int i = 0; i < width; i++) {
        body.write(i < 4 ? (off >>> (8 * i)) & 0xff : 0);
      }
    }
    return body.toByteArray();
  }

  private static long maxFor(int width) {
    return width >= 8 ? Long.MAX_VALUE : (1L << (8 * width)) - 1;
  }

  private static void pad(ByteArrayOutputStream out, int alignment) {
    while (out.size() % alignment != 0) {
      out.write(0);
    }
  }

  private static byte[] cstring(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }

  // ---- decoding ----

  private static int readOffset(byte[] d, int at, int width) {
    long v = 0;
    for (int i = 0; i < width; i++) {
      v |= (long) (d[at + i] & 0xff) << (8 * i);
    }
    if (v > Integer.MAX_VALUE) {
      throw new SysrootException("staged-deployment file: framing offset out of range");
    }
    return (int) v;
  }

  /** Reads the framing offsets of a variable-size-element array in {@code [start, end)}. */
  private static List<int[]> elements(byte[] d, int start, int end, int alignment) {
    int size = end - start;
    List<int[]> out = new ArrayList<>();
    if (size == 0) {
      return out;
    }
    int w = GVariantFraming.readWidth(size);
    int tableStart = readOffset(d, end - w, w);
    if (tableStart > size || (size - tableStart) % w != 0) {
      throw new SysrootException("staged-deployment file: corrupt array framing");
    }
    int n = (size - tableStart) / w;
    int pos = 0;
    for (int i = 0; i < n; i++) {
      int elemEnd = readOffset(d, start + tableStart + i * w, w);
      pos = (pos + alignment - 1) / alignment * alignment;
      if (elemEnd < pos || elemEnd > tableStart) {
        throw new SysrootException("staged-deployment file: corrupt array element");
      }
      out.add(new int[] {start + pos, start + elemEnd});
      pos = elemEnd;
    }
    return out;
  }

  static Map<String, Object> decodeDict(byte[] d, int start, int end) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int[] e : elements(d, start, end, 8)) {
      int size = e[1] - e[0];
      int w = GVariantFraming.readWidth(size);
      int keyEnd = readOffset(d, e[1] - w, w);
      String key = string(d, e[0], e[0] + keyEnd);
      int vStart = e[0] + (keyEnd + 7) / 8 * 8;
      int vEnd = e[1] - w;
      int sep = vEnd - 1;
      while (sep >= vStart && d[sep] != 0) {
        sep--;
      }
      if (sep < vStart) {
        throw new SysrootException("staged-deployment file: corrupt variant");
      }
      String sig = new String(d, sep + 1, vEnd - sep - 1, StandardCharsets.US_ASCII);
      out.put(key, decode(sig, d, vStart, sep));
    }
    return out;
  }

  private static Object decode(String sig, byte[] d, int start, int end) {
    switch (sig) {
      case "s":
        return string(d, start, end);
      case "as":
        List<String> list = new ArrayList<>();
        for (int[] e : elements(d, start, end, 1)) {
          list.add(string(d, e[0], e[1]));
        }
        return list;
      case "a{sv}":
        return decodeDict(d, start, end);
      default:
        return null; // a value of a type this file never needs: ignored, like unknown keys
    }
  }

  private static String string(byte[] d, int start, int end) {
    if (end <= start || d[end - 1] != 0) {
      throw new SysrootException("staged-deployment file: string not NUL-terminated");
    }
    return new String(d, start, end - start - 1, StandardCharsets.UTF_8);
  }
}
