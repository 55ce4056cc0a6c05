package dev.treewave.ostree.core;

import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantFraming;
import dev.treewave.ostree.gvariant.GVariantParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The dirtree's GVariant {@code (a(say)a(sayay))} written and read directly, without a tree of
 * {@code GVariant} values. Every checkout, pull, fsck and commit handles one dirtree per directory;
 * through the generic parser each was decoded into values, then serialised again for the
 * normal-form check, which in a hard-link checkout of a whole OS was most of the Java work.
 *
 * <p>{@link #tryParse} stays exactly as strict as the generic parser by the same check: what it
 * decodes must serialise back to the very same bytes. Anything it cannot decode, or that fails that
 * check, it leaves to the generic parser, which reports the error as before.
 */
final class DirTreeCodec {
  private static final int CHECKSUM = 32;

  private DirTreeCodec() {}

  /** The normal-form bytes of a dirtree, as the generic serialiser writes them. */
  static byte[] serialize(List<DirTree.FileEntry> files, List<DirTree.DirEntry> dirs) {
    Out out = new Out(64 + files.size() * 64 + dirs.size() * 96);
    long[] ends = new long[files.size()];
    for (int i = 0; i < ends.length; i++) {
      writeFile(out, files.get(i));
      ends[i] = out.len;
    }
    out.offsets(0, ends);
    int filesEnd = out.len;
    ends = new long[dirs.size()];
    for (int i = 0; i < ends.length; i++) {
      writeDir(out, dirs.get(i));
      ends[i] = out.len - filesEnd;
    }
    out.offsets(filesEnd, ends);
    out.offsets(0, new long[] {filesEnd});
    return out.bytes();
  }

  private static void writeFile(Out out, DirTree.FileEntry f) {
    int start = out.len;
    out.name(f.name());
    long nameEnd = out.len - start;
    out.checksum(f.checksum());
    out.offsets(start, new long[] {nameEnd});
  }

  private static void writeDir(Out out, DirTree.DirEntry d) {
    int start = out.len;
    out.name(d.name());
    long nameEnd = out.len - start;
    out.checksum(d.treeChecksum());
    long treeEnd = out.len - start;
    out.checksum(d.metaChecksum());
    out.offsets(start, new long[] {treeEnd, nameEnd}); // a tuple's offsets, last member first
  }

  /**
   * The dirtree in {@code data} if it is in normal form and this reader can decode it, else null
   * (the caller then parses it generically, which explains what is wrong). The entries' order and
   * names are checked by {@link DirTree}'s constructor, as after a generic parse.
   */
  static DirTree tryParse(byte[] data) {
    List<DirTree.FileEntry> files = new ArrayList<>();
    List<DirTree.DirEntry> dirs = new ArrayList<>();
    try {
      if (!decode(data, files, dirs) || !Arrays.equals(serialize(files, dirs), data)) {
        return null;
      }
    } catch (IndexOutOfBoundsException | IllegalArgumentException | GVariantFormatException e) {
      return null; // malformed: the generic parser says how, in its words
    }
    return new DirTree(files, dirs);
  }

  private static boolean decode(
      byte[] data, List<DirTree.FileEntry> files, List<DirTree.DirEntry> dirs) {
    int size = data.length;
    int w = GVariantFraming.readWidth(size);
    if (w == 0) {
      return false;
    }
    int filesEnd = offset(data, size - w, w, size - w);
    int[] fileEnds = elementEnds(data, 0, filesEnd);
    int[] dirEnds = elementEnds(data, filesEnd, size - w);
    if (fileEnds == null || dirEnds == null) {
      return false;
    }
    int at = 0;
    for (int end : fileEnds) {
      files.add(decodeFile(data, at, end));
      at = end;
    }
    at = filesEnd;
    for (int end : dirEnds) {
      dirs.add(decodeDir(data, at, end));
      at = end;
    }
    return true;
  }

  /** Where each element of an array of variable-size elements ends (absolute), or null. */
  private static int[] elementEnds(byte[] data, int start, int end) {
    int size = end - start;
    if (size == 0) {
      return new int[0];
    }
    int w = GVariantFraming.readWidth(size);
    int tableStart = offset(data, end - w, w, size - w) + start;
    if ((end - tableStart) % w != 0) {
      return null;
    }
    int[] ends = new int[(end - tableStart) / w];
    int previous = start;
    for (int i = 0; i < ends.length; i++) {
      ends[i] = offset(data, tableStart + i * w, w, tableStart - start) + start;
      if (ends[i] < previous) {
        return null;
      }
      previous = ends[i];
    }
    return ends;
  }

  private static DirTree.FileEntry decodeFile(byte[] data, int start, int end) {
    int w = GVariantFraming.readWidth(end - start);
    int nameEnd = start + offset(data, end - w, w, end - w - start);
    return new DirTree.FileEntry(
        GVariantParser.readString(data, start, nameEnd), checksum(data, nameEnd, end - w));
  }

  private static DirTree.DirEntry decodeDir(byte[] data, int start, int end) {
    int w = GVariantFraming.readWidth(end - start);
    int nameEnd = start + offset(data, end - w, w, end - 2 * w - start);
    int treeEnd = start + offset(data, end - 2 * w, w, end - 2 * w - start);
    return new DirTree.DirEntry(
        GVariantParser.readString(data, start, nameEnd),
        checksum(data, nameEnd, treeEnd),
        checksum(data, treeEnd, end - 2 * w));
  }

  /** A framing offset that must not point past {@code limit} (else the data is malformed). */
  private static int offset(byte[] data, int at, int w, int limit) {
    long v = GVariantFraming.readOffset(data, at, w);
    if (v > limit) {
      throw new IllegalArgumentException("offset out of range");
    }
    return (int) v;
  }

  private static ObjectId checksum(byte[] data, int start, int end) {
    if (end - start != CHECKSUM) {
      throw new IllegalArgumentException("not a checksum");
    }
    return ObjectId.fromBytes(Arrays.copyOfRange(data, start, end));
  }

  /** A growing buffer (a dirtree's size is not known before it is written). */
  private static final class Out {
    private byte[] buf;
    private int len;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int extra) {
      if (len + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
      }
    }

    void name(String name) {
      byte[] b = name.getBytes(StandardCharsets.UTF_8);
      ensure(b.length + 1);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
      buf[len++] = 0;
    }

    void checksum(ObjectId id) {
      byte[] b = id.bytes();
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    /** Appends framing offsets to the container that began at {@code start}. */
    void offsets(int start, long[] offsets) {
      if (offsets.length == 0) {
        return;
      }
      int w = GVariantFraming.writeWidth(len - start, offsets.length);
      ensure(w * offsets.length);
      for (long o : offsets) {
        for (int i = 0; i < w; i++) {
          buf[len++] = (byte) (o >>> (8 * i));
        }
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, len);
    }
  }
}
