package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.tukaani.xz.LZMA2Options;

/**
 * {@code ostree static-delta generate}: packs every object reachable from the target commit and not
 * from the source commit into xz-compressed parts of {@code open-splice-and-close} operations (new
 * metadata first, then regular files, then symlinks); files larger than the fallback size are
 * listed as fallbacks and fetched loose. Parts are written before the superblock, so a delta is
 * only visible once complete.
 */
public final class DeltaGenerator {

  /** Generation settings; the defaults match ostree's. */
  public record Options(
      boolean inline,
      long minFallbackSize,
      long maxPartSize,
      boolean compress,
      int xzPreset,
      long maxBsdiffSize) {
    /** ostree's defaults, except that bsdiff is also bounded by the heap (see {@link #bsdiff}). */
    public static final Options DEFAULTS =
        new Options(false, 4_000_000L, 32L * 1024 * 1024, true, 6, 128L * 1024 * 1024);

    public Options withInline(boolean i) {
      return new Options(i, minFallbackSize, maxPartSize, compress, xzPreset, maxBsdiffSize);
    }

    public Options withMinFallbackSize(long s) {
      return new Options(inline, s, maxPartSize, compress, xzPreset, maxBsdiffSize);
    }

    public Options withMaxPartSize(long s) {
      return new Options(inline, minFallbackSize, s, compress, xzPreset, maxBsdiffSize);
    }

    /** Old plus new size above which modified files are not bsdiff'ed; 0 disables bsdiff. */
    public Options withMaxBsdiffSize(long s) {
      return new Options(inline, minFallbackSize, maxPartSize, compress, xzPreset, s);
    }
  }

  private final OstreeRepo repo;
  private final Options options;

  public DeltaGenerator(OstreeRepo repo, Options options) {
    this.repo = repo;
    this.options = options;
  }

  /** Reachable objects of a commit's tree (excluding the commit itself). */
  record Reachable(
      Set<ObjectId> dirTrees,
      Set<ObjectId> dirMetas,
      Set<ObjectId> files,
      Map<String, ObjectId> paths) {}

  Reachable reachable(ObjectId commit) {
    Reachable r =
        new Reachable(
            new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>(), new HashMap<>());
    var c = repo.readCommit(commit);
    walk(c.rootTree(), c.rootMeta(), "/", r);
    return r;
  }

  private void walk(ObjectId tree, ObjectId meta, String path, Reachable r) {
    r.dirMetas().add(meta);
    r.dirTrees().add(tree);
    // identical subtrees are walked again under each path: the path map needs every location
    DirTree t = repo.readDirTree(tree);
    for (DirTree.FileEntry f : t.files()) {
      r.files().add(f.checksum());
      r.paths().put(path + f.name(), f.checksum());
    }
    for (DirTree.DirEntry d : t.dirs()) {
      walk(d.treeChecksum(), d.metaChecksum(), path + d.name() + "/", r);
    }
  }

  /** Generates and writes the delta; returns its superblock. */
  public DeltaSuperblock generate(Optional<ObjectId> from, ObjectId to) {
    if (Files.exists(repo.path().resolve("state").resolve(to.hex() + ".commitpartial"))) {
      throw new DeltaException("Commit " + to + " is partial; cannot generate a delta to it");
    }
    DeltaName name = new DeltaName(from, to);
    Reachable target = reachable(to);
    Reachable base =
        from.map(this::reachable).orElse(new Reachable(Set.of(), Set.of(), Set.of(), Map.of()));
    Map<ObjectId, String> newPaths = new HashMap<>();
    target.paths().forEach((p, id) -> newPaths.putIfAbsent(id, p));

    Path dir = repo.path().resolve(name.directory());
    try {
      Files.createDirectories(dir);
      // the superblock goes last: without it, half-written parts are not a delta
      Files.deleteIfExists(dir.resolve("superblock"));
    } catch (IOException e) {
      throw new DeltaException("Writing delta " + name + ": " + e.getMessage(), e);
    }
    List<DeltaSuperblock.Fallback> fallbacks = new ArrayList<>();
    Map<Integer, byte[]> inlineParts = new java.util.concurrent.ConcurrentSkipListMap<>();
    Compressibility probe = new Compressibility();
    try (PartWriters writers = new PartWriters(PartWriters.defaultThreads());
        PartBuilder packed =
            new PartBuilder(
                dir,
                writers,
                inlineParts,
                options.compress() ? PartFileWriter.Packing.XZ : PartFileWriter.Packing.NONE);
        PartBuilder stored =
            new PartBuilder(dir, writers, inlineParts, PartFileWriter.Packing.STORED_XZ)) {
      generateParts(target, base, newPaths, new Parts(packed, stored, probe), fallbacks);
      packed.flush();
      stored.flush();
      return write(name, writers.finish(), inlineParts, fallbacks);
    } catch (IOException e) {
      throw new DeltaException("Writing delta " + name + ": " + e.getMessage(), e);
    } finally {
      probe.close();
    }
  }

  /**
   * Where objects go: metadata, diffs and compressible files into xz-compressed parts, files xz
   * could not shrink into parts of stored xz chunks (see {@link Compressibility}).
   */
  private record Parts(PartBuilder packed, PartBuilder stored, Compressibility probe) {
    PartBuilder forContent(byte[] b, int len) {
      if (packed.packing != PartFileWriter.Packing.XZ || probe.worthCompressing(b, 0, len)) {
        return packed;
      }
      return stored;
    }
  }

  private void generateParts(
      Reachable target,
      Reachable base,
      Map<ObjectId, String> newPaths,
      Parts parts,
      List<DeltaSuperblock.Fallback> fallbacks)
      throws IOException {
    PartBuilder part = parts.packed();

    List<ObjectId> symlinks = new ArrayList<>();
    for (ObjectId id : target.dirTrees()) {
      if (!base.dirTrees().contains(id)) {
        part.addMetadata(ObjectType.DIR_TREE, id, repo.readMetadata(ObjectType.DIR_TREE, id));
        part.flushIfFull();
      }
    }
    for (ObjectId id : target.dirMetas()) {
      if (!base.dirMetas().contains(id)) {
        part.addMetadata(ObjectType.DIR_META, id, repo.readMetadata(ObjectType.DIR_META, id));
        part.flushIfFull();
      }
    }
    for (ObjectId id : target.files()) {
      if (base.files().contains(id)) {
        continue;
      }
      try (ContentObject co = repo.openContent(id)) {
        if (co.header().isSymlink()) {
          symlinks.add(id);
          continue;
        }
        boolean big = options.minFallbackSize() > 0 && co.size() > options.minFallbackSize();
        ObjectId oldId = base.paths().get(newPaths.get(id));
        if (big && (oldId == null || co.size() > MAX_DIFF_SIZE)) {
          fallbacks.add(
              new DeltaSuperblock.Fallback(
                  ObjectType.FILE, id, storedSize(id, co.size()), co.size()));
          continue;
        }
        if (!isDiffCandidate(oldId, co.size())) {
          if (co.size() >= Compressibility.MIN_PROBE && co.size() <= inMemoryLimit()) {
            int n = (int) co.size();
            byte[] b = readExactly(co.content(), n, newBuffer(n));
            PartBuilder to = parts.forContent(b, n);
            to.addContent(id, co.header(), new java.io.ByteArrayInputStream(b, 0, n), n);
            to.flushIfFull();
            continue;
          }
          part.addContent(id, co.header(), co.content(), co.size());
        } else {
          // a large file with a previous version goes as a diff when it mostly matches (as
          // ostree's rollsum/bsdiff candidates), else loose as a fallback
          try (DiffInput data = load(co.content(), co.size(), false)) {
            if (!tryRollingDiff(part, id, co.header(), data, oldId)) {
              if (big) {
                fallbacks.add(
                    new DeltaSuperblock.Fallback(
                        ObjectType.FILE, id, storedSize(id, co.size()), co.size()));
                continue;
              }
              PartBuilder to =
                  data instanceof DiffInput.InMemory m ? parts.forContent(m.b, m.len) : part;
              to.addContent(id, co.header(), data);
              to.flushIfFull();
              continue;
            }
          }
        }
      } catch (IOException e) {
        throw new DeltaException("Reading object " + id + ": " + e.getMessage(), e);
      }
      part.flushIfFull();
    }
    for (ObjectId id : symlinks) {
      try (ContentObject co = repo.openContent(id)) {
        part.addContent(id, co.header(), InputStream.nullInputStream(), 0);
      } catch (IOException e) {
        throw new DeltaException("Reading object " + id + ": " + e.getMessage(), e);
      }
      part.flushIfFull();
    }
  }

  private static boolean isDiffCandidate(ObjectId oldId, long size) {
    return oldId != null && size >= 16 * 1024 && size <= MAX_DIFF_SIZE;
  }

  /**
   * Encodes a modified file against its previous version (same path in the source commit): as
   * copies plus literal bytes when at least half of it can be copied (ostree's rollsum rule), else
   * as a bsdiff patch when that carries clearly less than the file itself and less than the copy
   * encoding would. Returns false when neither pays (the file then goes whole or as a fallback).
   */
  private boolean tryRollingDiff(
      PartBuilder part, ObjectId id, FileHeader h, DiffInput data, ObjectId oldId)
      throws IOException {
    int size = data.length();
    if (oldId == null || size < 16 * 1024 || size > MAX_DIFF_SIZE) {
      return false;
    }
    DiffInput old;
    try (ContentObject co = repo.openContent(oldId)) {
      if (co.header().isSymlink() || co.size() > MAX_DIFF_SIZE) {
        return false;
      }
      old = load(co.content(), co.size(), true);
    } catch (IOException | RuntimeException e) {
      return false; // no usable previous version: send the file whole
    }
    try (old) {
      List<RollingDiff.Segment> segs = RollingDiff.diff(old, data);
      long copied = RollingDiff.copied(segs);
      if (copied * 2 >= size) {
        part.addDiff(id, h, oldId, data, segs);
        return true;
      }
      if (!(old instanceof DiffInput.InMemory o) || !(data instanceof DiffInput.InMemory n)) {
        return false;
      }
      Optional<Bsdiff.Patch> patch = bsdiff(o.bytes(), n.bytes());
      if (patch.isPresent()
          && patch.get().literalBytes() < size - copied
          && patch.get().literalBytes() * 2 < size) {
        part.addBsdiff(id, h, oldId, size, patch.get().bytes());
        return true;
      }
      return false;
    }
  }

  /**
   * File content for diffing: in the heap when it takes a small share of it, else spooled to a
   * temporary file (which keeps the generator's memory flat whatever the file sizes).
   */
  private DiffInput load(InputStream content, long size, boolean old) throws IOException {
    if (size <= inMemoryLimit()) {
      int n = (int) size;
      byte[] buf = old ? oldBuffer(n) : newBuffer(n);
      return DiffInput.of(readExactly(content, n, buf), n);
    }
    return DiffInput.spool(content, size, repo.path().resolve("tmp"));
  }

  /** Files up to this size are read into the heap (a small share of it). */
  private static long inMemoryLimit() {
    return Runtime.getRuntime().maxMemory() / 16;
  }

  // Reused read buffers for new and old file contents: fresh multi-MB arrays for every file would
  // be promoted by each young collection that catches them and grow the old generation (and the
  // process's resident memory) with garbage until a full collection.
  private byte[] newBuf = new byte[0];
  private byte[] oldBuf = new byte[0];

  private byte[] newBuffer(int n) {
    if (newBuf.length < n) {
      newBuf = new byte[grow(n)];
    }
    return newBuf;
  }

  private byte[] oldBuffer(int n) {
    if (oldBuf.length < n) {
      oldBuf = new byte[grow(n)];
    }
    return oldBuf;
  }

  private static int grow(int n) {
    long rounded = Math.max(64 * 1024, Long.highestOneBit(Math.max(1, n - 1)) << 1);
    return (int) Math.min(rounded, Math.max(n, inMemoryLimit()));
  }

  /** Reads exactly {@code n} bytes into {@code buf}; the object must end there. */
  private static byte[] readExactly(InputStream content, int n, byte[] buf) throws IOException {
    int got = content.readNBytes(buf, 0, n);
    if (got != n || content.read() >= 0) {
      throw new DeltaException("object is not its declared " + n + " bytes");
    }
    return buf;
  }

  /** A bsdiff patch if enabled and the suffix array fits comfortably in this JVM's heap. */
  private Optional<Bsdiff.Patch> bsdiff(byte[] old, byte[] data) {
    if (options.maxBsdiffSize() <= 0
        || old.length + (long) data.length > options.maxBsdiffSize()
        || Bsdiff.memoryNeeded(old.length, data.length) > Runtime.getRuntime().maxMemory() / 4) {
      return Optional.empty();
    }
    // the bounds above keep the suffix array within the heap; the sort itself uses no call stack
    return Optional.of(Bsdiff.diff(old, data));
  }

  static final long MAX_DIFF_SIZE = 64L * 1024 * 1024;

  private long storedSize(ObjectId id, long fallback) {
    if (repo.mode() != RepoMode.ARCHIVE) {
      return fallback;
    }
    try {
      return Files.size(repo.objectPath(ObjectType.FILE, id));
    } catch (IOException e) {
      return fallback;
    }
  }

  private DeltaSuperblock write(
      DeltaName name,
      List<DeltaSuperblock.PartHeader> headers,
      Map<Integer, byte[]> inlineParts,
      List<DeltaSuperblock.Fallback> fallbacks)
      throws IOException {
    Path dir = repo.path().resolve(name.directory());
    Map<String, GVariant> meta = new LinkedHashMap<>();
    meta.put(DeltaSuperblock.ENDIANNESS_KEY, new GVariant.U8((byte) 'l'));
    inlineParts.forEach(
        (i, file) ->
            meta.put(
                name.directory() + "/" + i,
                dev.treewave.ostree.gvariant.GVariantParser.parse("(yay)", file)));
    repo.readCommitMeta(name.to())
        .ifPresent(m -> meta.put(name.directory() + "/commitmeta", GVariant.vardict(m)));
    DeltaSuperblock sb =
        new DeltaSuperblock(
            meta,
            System.currentTimeMillis() / 1000,
            name.from(),
            name.to(),
            repo.readMetadata(ObjectType.COMMIT, name.to()),
            headers,
            fallbacks);
    atomicWrite(dir.resolve("superblock"), sb.serialize());
    return sb;
  }

  private void atomicWrite(Path target, byte[] bytes) throws IOException {
    Path tmp = repo.path().resolve("tmp").resolve("delta-" + UUID.randomUUID());
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Accumulates one part at a time (deduplicated modes/xattrs tables, data blob and operations) and
   * hands each full part to the {@link PartWriters}, which compress it while the next one fills.
   */
  private final class PartBuilder implements AutoCloseable {
    private final Path dir;
    private final PartWriters writers;
    private final Map<Integer, byte[]> inlineParts;
    final PartFileWriter.Packing packing;
    private final List<int[]> modes = new ArrayList<>();
    private final List<List<Xattr>> xattrs = new ArrayList<>();
    private BlobSpool blob;
    private final ByteArrayOutputStream ops = new ByteArrayOutputStream();
    private final List<DeltaSuperblock.PartObject> objects = new ArrayList<>();
    private long usize;

    PartBuilder(
        Path dir,
        PartWriters writers,
        Map<Integer, byte[]> inlineParts,
        PartFileWriter.Packing packing)
        throws IOException {
      this.dir = dir;
      this.writers = writers;
      this.inlineParts = inlineParts;
      this.packing = packing;
      this.blob = new BlobSpool(repo.path().resolve("tmp"));
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
        if (sameXattrs(xattrs.get(i), x)) {
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
      Path tmpDir = repo.path().resolve("tmp");
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
     * Whether objects that each defeat compression still repeat one another enough for xz to save
     * 1% (the rule {@link Compressibility} applies to single objects). xz's saving follows the
     * repeated share closely: in a from-scratch minbase delta, parts with 2.7% and 0.5% repeated
     * anchors shrank by 3.6% and 0.5% under xz; random files repeat nothing and shrink by nothing.
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

  static boolean sameXattrs(List<Xattr> a, List<Xattr> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).name().equals(b.get(i).name())
          || !java.util.Arrays.equals(a.get(i).value(), b.get(i).value())) {
        return false;
      }
    }
    return true;
  }
}
