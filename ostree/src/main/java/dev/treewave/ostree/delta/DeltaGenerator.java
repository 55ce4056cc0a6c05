package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

  /** Generates and writes the delta; returns its superblock. */
  public DeltaSuperblock generate(Optional<ObjectId> from, ObjectId to) {
    if (Files.exists(repo.path().resolve("state").resolve(to.hex() + ".commitpartial"))) {
      throw new DeltaException("Commit " + to + " is partial; cannot generate a delta to it");
    }
    DeltaName name = new DeltaName(from, to);
    ReachableObjects target = ReachableObjects.of(repo, to);
    ReachableObjects base =
        from.map(f -> ReachableObjects.of(repo, f)).orElse(ReachableObjects.NONE);
    Map<ObjectId, String> newPaths = target.firstPaths();

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
    Path tmpDir = repo.path().resolve("tmp");
    ContentBuffers buffers = new ContentBuffers(tmpDir);
    FileDiffChoice diffs = new FileDiffChoice(repo, options.maxBsdiffSize(), buffers);
    Compressibility probe = new Compressibility();
    try (PartWriters writers = new PartWriters(PartWriters.defaultThreads());
        PartBuilder packed =
            new PartBuilder(
                dir,
                tmpDir,
                options,
                writers,
                inlineParts,
                options.compress() ? PartFileWriter.Packing.XZ : PartFileWriter.Packing.NONE);
        PartBuilder stored =
            new PartBuilder(
                dir, tmpDir, options, writers, inlineParts, PartFileWriter.Packing.STORED_XZ)) {
      generateParts(
          target, base, newPaths, new Parts(packed, stored, probe), fallbacks, buffers, diffs);
      packed.flush();
      stored.flush();
      return SuperblockWriter.write(repo, name, writers.finish(), inlineParts, fallbacks);
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

  /**
   * New objects in order: dirtrees, dirmetas, then regular files (whole, diffed against the
   * previous version at the same path, or listed as fallbacks when too big), then symlinks.
   */
  private void generateParts(
      ReachableObjects target,
      ReachableObjects base,
      Map<ObjectId, String> newPaths,
      Parts parts,
      List<DeltaSuperblock.Fallback> fallbacks,
      ContentBuffers buffers,
      FileDiffChoice diffs)
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
        if (big && (oldId == null || co.size() > FileDiffChoice.MAX_DIFF_SIZE)) {
          fallbacks.add(
              new DeltaSuperblock.Fallback(
                  ObjectType.FILE, id, storedSize(id, co.size()), co.size()));
          continue;
        }
        if (!FileDiffChoice.isCandidate(oldId, co.size())) {
          if (co.size() >= Compressibility.MIN_PROBE
              && co.size() <= ContentBuffers.inMemoryLimit()) {
            int n = (int) co.size();
            byte[] b = ContentBuffers.readExactly(co.content(), n, buffers.newBuffer(n));
            PartBuilder to = parts.forContent(b, n);
            to.addContent(id, co.header(), new java.io.ByteArrayInputStream(b, 0, n), n);
            to.flushIfFull();
            continue;
          }
          part.addContent(id, co.header(), co.content(), co.size());
        } else {
          // a large file with a previous version goes as a diff when it mostly matches (as
          // ostree's rollsum/bsdiff candidates), else loose as a fallback
          try (DiffInput data = buffers.load(co.content(), co.size(), false)) {
            Optional<FileDiffChoice.Encoding> diff = diffs.choose(data, oldId);
            if (diff.isPresent()) {
              if (diff.get() instanceof FileDiffChoice.Copies c) {
                part.addDiff(id, co.header(), oldId, data, c.segments());
              } else if (diff.get() instanceof FileDiffChoice.Patch p) {
                part.addBsdiff(id, co.header(), oldId, data.length(), p.bytes());
              }
            } else {
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
