package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.core.Xattr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.tukaani.xz.LZMA2Options;

/**
 * Accumulates one part at a time (deduplicated modes/xattrs tables, data blob and operations) and
 * hands each full part to the {@link PartWriters}, which compress it while the next one fills.
 */
final class PartBuilder implements AutoCloseable {
  private final Path dir;
  private final Path tmpDir;
  private final DeltaGenerator.Options options;
  private final PartWriters writers;
  private final Map<Integer, byte[]> inlineParts;
  final PartFileWriter.Packing packing;
  private final List<int[]> modes = new ArrayList<>();
  private final List<List<Xattr>> xattrs = new ArrayList<>();
  private BlobSpool blob;
  private final ByteArrayOutputStream ops = new ByteArrayOutputStream();
  private final List<DeltaSuperblock.PartObject> objects = new ArrayList<>();
  private long usize;

  /**
   * Parts go to {@code dir} (or into {@code inlineParts}, by index, for an inline delta); blobs
   * spool in {@code tmpDir}.
   */
  PartBuilder(
      Path dir,
      Path tmpDir,
      DeltaGenerator.Options options,
      PartWriters writers,
      Map<Integer, byte[]> inlineParts,
      PartFileWriter.Packing packing)
      throws IOException {
    this.dir = dir;
    this.tmpDir = tmpDir;
    this.options = options;
    this.writers = writers;
    this.inlineParts = inlineParts;
    this.packing = packing;
    this.blob = new BlobSpool(tmpDir);
  }

  void addMetadata(ObjectType type, ObjectId id, byte[] bytes) throws IOException {
    long off = blob.size();
    blob.writeBytes(bytes);
    ops.write(DeltaApplier.OP_OPEN_SPLICE_AND_CLOSE);
    varint(bytes.length);
    varint(off);
    objects.add(new DeltaSuperblock.PartObject(type, id));
    usize += bytes.length;
  }

  /** A whole object from the blob; {@code content} is streamed ({@code size} bytes). */
  void addContent(ObjectId id, FileHeader h, InputStream content, long size) throws IOException {
    int mode = modeIndex(h);
    int x = xattrIndex(h.xattrs());
    long off = blob.size();
    long length;
    if (h.isSymlink()) {
      byte[] target = h.symlinkTarget().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      blob.writeBytes(target);
      length = target.length;
    } else {
      blob.copyFrom(content, size);
      length = size;
    }
    ops.write(DeltaApplier.OP_OPEN_SPLICE_AND_CLOSE);
    varint(mode);
    varint(x);
    varint(length);
    varint(off);
    objects.add(new DeltaSuperblock.PartObject(ObjectType.FILE, id));
    usize += h.isSymlink() ? 0 : size;
  }

  /** {@code o r (w…) R w r … R c}: copies from the old object, literals from the blob. */
  /** A whole object copied from a diff input that did not diff well. */
  void addContent(ObjectId id, FileHeader h, DiffInput data) throws IOException {
    int mode = modeIndex(h);
    int x = xattrIndex(h.xattrs());
    long off = blob.size();
    data.copyTo(0, data.length(), blob);
    ops.write(DeltaApplier.OP_OPEN_SPLICE_AND_CLOSE);
    varint(mode);
    varint(x);
    varint(data.length());
    varint(off);
    objects.add(new DeltaSuperblock.PartObject(ObjectType.FILE, id));
    usize += data.length();
  }

  void addDiff(
      ObjectId id, FileHeader h, ObjectId oldId, DiffInput data, List<RollingDiff.Segment> segs)
      throws IOException {
    int mode = modeIndex(h);
    int x = xattrIndex(h.xattrs());
    long csumOff = blob.size();
    blob.writeBytes(oldId.bytes());
    ops.write(DeltaApplier.OP_OPEN);
    varint(mode);
    varint(x);
    varint(data.length());
    boolean reading = false;
    for (RollingDiff.Segment s : segs) {
      if (s.fromOld()) {
        if (!reading) {
          ops.write(DeltaApplier.OP_SET_READ_SOURCE);
          varint(csumOff);
          reading = true;
        }
        ops.write(DeltaApplier.OP_WRITE);
        varint(s.length());
        varint(s.offset());
      } else {
        if (reading) {
          ops.write(DeltaApplier.OP_UNSET_READ_SOURCE);
          reading = false;
        }
        long off = blob.size();
        data.copyTo(s.offset(), s.length(), blob);
        ops.write(DeltaApplier.OP_WRITE);
        varint(s.length());
        varint(off);
      }
    }
    if (reading) {
      ops.write(DeltaApplier.OP_UNSET_READ_SOURCE);
    }
    ops.write(DeltaApplier.OP_CLOSE);
    objects.add(new DeltaSuperblock.PartObject(ObjectType.FILE, id));
    usize += data.length();
  }

  /** {@code r o B c R}: the new content is bspatch(old content, patch), as ostree emits it. */
  void addBsdiff(ObjectId id, FileHeader h, ObjectId oldId, long size, byte[] patch)
      throws IOException {
    int mode = modeIndex(h);
    int x = xattrIndex(h.xattrs());
    long csumOff = blob.size();
    blob.writeBytes(oldId.bytes());
    long patchOff = blob.size();
    blob.writeBytes(patch);
    ops.write(DeltaApplier.OP_SET_READ_SOURCE);
    varint(csumOff);
    ops.write(DeltaApplier.OP_OPEN);
    varint(mode);
    varint(x);
    varint(size);
    ops.write(DeltaApplier.OP_BSPATCH);
    varint(patchOff);
    varint(patch.length);
    ops.write(DeltaApplier.OP_CLOSE);
    ops.write(DeltaApplier.OP_UNSET_READ_SOURCE);
    objects.add(new DeltaSuperblock.PartObject(ObjectType.FILE, id));
    usize += size;
  }

  private int modeIndex(FileHeader h) {
    for (int i = 0; i < modes.size(); i++) {
      int[] m = modes.get(i);
      if (m[0] == h.uid() && m[1] == h.gid() && m[2] == h.mode()) {
        return i;
      }
    }
    modes.add(new int[] {h.uid(), h.gid(), h.mode()});
    return modes.size() - 1;
  }

  private int xattrIndex(List<Xattr> x) {
    for (int i = 0; i < xattrs.size(); i++) {
      if (DeltaGenerator.sameXattrs(xattrs.get(i), x)) {
        return i;
      }
    }
    xattrs.add(x);
    return xattrs.size() - 1;
  }

  private void varint(long v) {
    while ((v & ~0x7fL) != 0) {
      ops.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    ops.write((int) v);
  }

  void flushIfFull() throws IOException {
    if (blob.size() >= options.maxPartSize()) {
      flush();
    }
  }

  /**
   * Queues the part accumulated so far for writing to its file (or for inlining) and starts an
   * empty one; the queued part owns its blob spool from here on.
   */
  void flush() throws IOException {
    if (objects.isEmpty()) {
      return;
    }
    List<int[]> m = List.copyOf(modes);
    List<List<Xattr>> x = List.copyOf(xattrs);
    byte[] o = ops.toByteArray();
    List<DeltaSuperblock.PartObject> objs = List.copyOf(objects);
    long u = usize;
    BlobSpool data = blob;
    PartFileWriter.Packing z =
        packing == PartFileWriter.Packing.STORED_XZ && repeatsWithinADictionary(data)
            ? PartFileWriter.Packing.XZ
            : packing;
    blob = null;
    modes.clear();
    xattrs.clear();
    ops.reset();
    objects.clear();
    usize = 0;
    // the encoder's memory, for the writers' budget (stored chunks need none)
    LZMA2Options xz =
        z == PartFileWriter.Packing.XZ
            ? PartFileWriter.xzOptions(options.xzPreset(), data.size() + o.length)
            : null;
    writers.submit(
        xz,
        index ->
            new PartWriters.Job() {
              @Override
              public DeltaSuperblock.PartHeader write() throws IOException {
                Path tmp = tmpDir.resolve("delta-part-" + UUID.randomUUID());
                try (data) {
                  PartFileWriter.Written w =
                      PartFileWriter.write(
                          tmp, m, x, data::writeTo, data.size(), o, z, options.xzPreset());
                  if (options.inline()) {
                    inlineParts.put(index, Files.readAllBytes(tmp));
                  } else {
                    Files.move(
                        tmp,
                        dir.resolve(Integer.toString(index)),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                  }
                  return new DeltaSuperblock.PartHeader(0, w.checksum(), w.size(), u, objs);
                } finally {
                  Files.deleteIfExists(tmp);
                }
              }

              @Override
              public void discard() throws IOException {
                data.close();
              }
            });
    blob = new BlobSpool(tmpDir);
  }

  /**
   * Whether objects that each defeat compression still repeat one another enough for xz to save 1%
   * (the rule {@link Compressibility} applies to single objects). xz's saving follows the repeated
   * share closely: in a from-scratch minbase delta, parts with 2.7% and 0.5% repeated anchors
   * shrank by 3.6% and 0.5% under xz; random files repeat nothing and shrink by nothing.
   */
  private boolean repeatsWithinADictionary(BlobSpool data) throws IOException {
    Repeats r = new Repeats(PartFileWriter.MAX_DICT);
    data.writeTo(r);
    return r.repeatedShare() >= 0.01;
  }

  @Override
  public void close() throws IOException {
    if (blob != null) {
      blob.close();
    }
  }
}
