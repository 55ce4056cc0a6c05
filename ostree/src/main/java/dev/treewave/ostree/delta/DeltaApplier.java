package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.FileMode;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.Transaction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Executes a delta part's operation stream, writing each object it produces into a transaction.
 * Every object is verified against the name the part header gives it (the transaction refuses a
 * mismatch), so a hostile part can at worst fail the pull.
 */
public final class DeltaApplier {
  static final int OP_OPEN_SPLICE_AND_CLOSE = 'S';
  static final int OP_OPEN = 'o';
  static final int OP_WRITE = 'w';
  static final int OP_SET_READ_SOURCE = 'r';
  static final int OP_UNSET_READ_SOURCE = 'R';
  static final int OP_CLOSE = 'c';
  static final int OP_BSPATCH = 'B';

  private final OstreeRepo repo;
  private final Transaction tx;

  public DeltaApplier(OstreeRepo repo, Transaction tx) {
    this.repo = repo;
    this.tx = tx;
  }

  /** Applies one decoded part whose header lists {@code objects}; returns the objects written. */
  public int apply(DeltaPart part, List<DeltaSuperblock.PartObject> objects) {
    return apply(part, objects, Long.MAX_VALUE);
  }

  /**
   * As above, for a part whose header declares {@code declaredObjectBytes} as the total size of the
   * objects it produces: no object it opens may be larger (checked before anything is allocated),
   * nor larger than {@link DeltaPart#memoryBudget} since it is rebuilt in memory.
   */
  public int apply(
      DeltaPart part, List<DeltaSuperblock.PartObject> objects, long declaredObjectBytes) {
    Cursor c = new Cursor(part.ops());
    int next = 0;
    byte[] readSource = null;
    // state of an open content object
    FileHeader openHeader = null;
    byte[] openData = null;
    int openPos = 0;
    while (c.hasMore()) {
      int op = c.u8();
      switch (op) {
        case OP_OPEN_SPLICE_AND_CLOSE -> {
          DeltaSuperblock.PartObject o = objectAt(objects, next++);
          if (o.type() == ObjectType.FILE) {
            int[] m = mode(part, c.varint());
            List<Xattr> x = xattrs(part, c.varint());
            long size = c.varint();
            byte[] data = slice(part.blob(), size, c.varint());
            if (FileMode.isSymlink(m[2])) {
              FileHeader h = new FileHeader(m[0], m[1], m[2], utf8(data), x);
              tx.writeContent(o.id(), h, InputStream.nullInputStream(), 0);
            } else {
              writeContent(o.id(), new FileHeader(m[0], m[1], m[2], "", x), data);
            }
          } else {
            long size = c.varint();
            byte[] data = slice(part.blob(), size, c.varint());
            tx.writeMetadata(o.type(), o.id(), data);
          }
          readSource = null;
        }
        case OP_OPEN -> {
          int[] m = mode(part, c.varint());
          List<Xattr> x = xattrs(part, c.varint());
          if (!FileMode.isRegular(m[2])) {
            throw new DeltaException("delta open of a non-regular file");
          }
          openHeader = new FileHeader(m[0], m[1], m[2], "", x);
          long size = c.varint();
          checkOpenSize(size, declaredObjectBytes);
          openData = new byte[(int) size];
          openPos = 0;
        }
        case OP_WRITE -> {
          long len = c.varint();
          long off = c.varint();
          requireOpen(openData);
          byte[] src = readSource != null ? readSource : part.blob();
          if (off < 0 || len < 0 || off + len > src.length || openPos + len > openData.length) {
            throw new DeltaException("delta write out of bounds");
          }
          System.arraycopy(src, (int) off, openData, openPos, (int) len);
          openPos += (int) len;
        }
        case OP_SET_READ_SOURCE -> {
          ObjectId src = ObjectId.fromBytes(slice(part.blob(), 32, c.varint()));
          readSource = contentOf(src);
        }
        case OP_UNSET_READ_SOURCE -> readSource = null;
        case OP_BSPATCH -> {
          long off = c.varint();
          long len = c.varint();
          requireOpen(openData);
          if (readSource == null) {
            throw new DeltaException("bspatch without a read source");
          }
          Bspatch.apply(readSource, slice(part.blob(), len, off), openData);
          openPos = openData.length;
        }
        case OP_CLOSE -> {
          requireOpen(openData);
          if (openPos != openData.length) {
            throw new DeltaException(
                "delta object closed after " + openPos + " of " + openData.length + " bytes");
          }
          DeltaSuperblock.PartObject o = objectAt(objects, next++);
          if (o.type() != ObjectType.FILE) {
            throw new DeltaException("open/close used for a metadata object");
          }
          writeContent(o.id(), openHeader, openData);
          openHeader = null;
          openData = null;
          readSource = null;
        }
        default -> throw new DeltaException("Unknown delta opcode " + op);
      }
    }
    if (next != objects.size()) {
      throw new DeltaException(
          "delta part produced " + next + " of " + objects.size() + " objects");
    }
    return next;
  }

  /** An object a part opens is rebuilt in memory: refuse it before allocating if it cannot be. */
  static void checkOpenSize(long size, long declaredObjectBytes) {
    if (size < 0 || size > declaredObjectBytes) {
      throw new DeltaException(
          "delta part opens an object of "
              + Long.toUnsignedString(size)
              + " bytes, more than the "
              + declaredObjectBytes
              + " bytes its header declares for all its objects; refused");
    }
    long budget = DeltaPart.memoryBudget();
    if (size > budget || size > Integer.MAX_VALUE - 8) {
      throw new DeltaException(
          "delta part opens an object of "
              + size
              + " bytes, more than the "
              + budget
              + " bytes this process rebuilds in memory; pull without static deltas"
              + " (--disable-static-deltas) or with a larger heap");
    }
  }

  private void writeContent(ObjectId id, FileHeader h, byte[] data) {
    tx.writeContent(id, h, new ByteArrayInputStream(data), data.length);
  }

  private static int[] mode(DeltaPart part, long idx) {
    if (idx < 0 || idx >= part.modes().size()) {
      throw new DeltaException("delta mode index out of range");
    }
    return part.modes().get((int) idx);
  }

  private static List<Xattr> xattrs(DeltaPart part, long idx) {
    if (idx < 0 || idx >= part.xattrs().size()) {
      throw new DeltaException("delta xattr index out of range");
    }
    return part.xattrs().get((int) idx);
  }

  private static void requireOpen(byte[] openData) {
    if (openData == null) {
      throw new DeltaException("delta write without an open object");
    }
  }

  private byte[] contentOf(ObjectId id) {
    try (ContentObject co = repo.openContent(id)) {
      long limit = 4 * DeltaPart.memoryBudget();
      if (co.size() > limit) {
        throw new DeltaException(
            "delta read source "
                + id
                + " has "
                + co.size()
                + " bytes, more than the "
                + limit
                + " bytes this process reads into memory; pull without static deltas");
      }
      return co.content().readAllBytes();
    } catch (IOException e) {
      throw new DeltaException("Reading delta source object " + id + ": " + e.getMessage(), e);
    }
  }

  private static DeltaSuperblock.PartObject objectAt(
      List<DeltaSuperblock.PartObject> objects, int i) {
    if (i >= objects.size()) {
      throw new DeltaException("delta part produces more objects than its header lists");
    }
    return objects.get(i);
  }

  static byte[] slice(byte[] blob, long size, long offset) {
    if (offset < 0 || size < 0 || offset + size > blob.length) {
      throw new DeltaException("delta data reference out of bounds");
    }
    return Arrays.copyOfRange(blob, (int) offset, (int) (offset + size));
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Reads opcodes and unsigned LEB128 varints. */
  static final class Cursor {
    private final byte[] ops;
    private int pos;

    Cursor(byte[] ops) {
      this.ops = ops;
    }

    boolean hasMore() {
      return pos < ops.length;
    }

    int u8() {
      return ops[pos++] & 0xff;
    }

    long varint() {
      long v = 0;
      int shift = 0;
      while (true) {
        if (pos >= ops.length || shift > 63) {
          throw new DeltaException("truncated varint in delta operations");
        }
        int b = ops[pos++] & 0xff;
        v |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
        shift += 7;
      }
    }
  }
}
