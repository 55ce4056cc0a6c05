package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.gvariant.GVariant;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A batch of object writes. Each object is streamed to a temp file in this transaction's staging
 * directory ({@code tmp/staging-…}), its checksum verified, and only then given its staged name;
 * {@link #commit()} makes the staging directory durable and renames every object to its final name
 * in {@code objects/}, so a crash can leave garbage in {@code tmp/} but never a partial object
 * under a real name. Objects that already exist are skipped (that counts as success). Write methods
 * are thread-safe; commit/close are not to be called concurrently with them.
 */
public final class Transaction implements AutoCloseable {
  private final OstreeRepo repo;
  private final Path staging;
  private final RepoLock.Held lock;
  private final Map<String, Boolean> staged = new ConcurrentHashMap<>();
  private final Queue<String> order = new ConcurrentLinkedQueue<>();
  private final AtomicLong tmpCounter = new AtomicLong();
  private final Stats stats = new Stats();

  /** Xattrs the JDK cannot set (bare repositories), applied in commit() before any rename. */
  private final XattrBatch deferredXattrs = new XattrBatch();

  private boolean done;

  /** libostree's min-free-space reserve: content writes are charged before they start. */
  private final MinFreeSpace space;

  /** Counters for progress and benchmarks. */
  public static final class Stats {
    public final AtomicLong objectsWritten = new AtomicLong();
    public final AtomicLong objectsSkipped = new AtomicLong();
    public final AtomicLong contentBytesWritten = new AtomicLong();
  }

  Transaction(OstreeRepo repo) {
    this.repo = repo;
    this.lock = RepoLock.of(repo.path()).shared();
    try {
      this.space = MinFreeSpace.start(repo.path(), repo.config());
      this.staging = repo.path().resolve("tmp").resolve("staging-" + UUID.randomUUID());
      Files.createDirectories(staging);
    } catch (IOException e) {
      lock.close();
      throw new OstreeException("Creating staging directory: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  public Stats stats() {
    return stats;
  }

  /** This transaction's private staging directory (for tests). */
  Path stagingDirectory() {
    return staging;
  }

  /** Sees every metadata object passed to this transaction, whether new or already stored. */
  @FunctionalInterface
  public interface MetadataObserver {
    void seen(ObjectType type, ObjectId id, int length);
  }

  private volatile MetadataObserver metadataObserver;

  /** Registers the one observer of metadata writes (commit --generate-sizes records them). */
  public void observeMetadata(MetadataObserver observer) {
    this.metadataObserver = observer;
  }

  /**
   * The size on disk of an object written in this transaction or already in the repository: for a
   * {@code .filez} that is the archived (compressed) size.
   */
  public long storedSize(ObjectType type, ObjectId id) {
    String rel = repo.relativePath(type, id);
    Path p = staged.containsKey(rel) ? staging.resolve(rel) : repo.objectPath(type, id);
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new OstreeException("Reading the size of " + type.extension() + " " + id, e);
    }
  }

  public OstreeRepo repo() {
    return repo;
  }

  /** Whether the object exists in the repository or was written in this transaction. */
  public boolean hasObject(ObjectType type, ObjectId id) {
    return staged.containsKey(repo.relativePath(type, id)) || repo.hasObject(type, id);
  }

  /** Writes a serialised metadata object; parses it first so malformed bytes never land. */
  public ObjectId writeMetadata(ObjectType type, byte[] bytes) {
    ObjectId id = ObjectId.sha256(bytes);
    writeMetadata(type, id, bytes);
    return id;
  }

  /**
   * Writes a metadata object that must have the given name: for commit/dirtree/dirmeta the bytes
   * must hash to {@code id}; commitmeta and tombstone-commit objects are named by their commit.
   */
  public void writeMetadata(ObjectType type, ObjectId id, byte[] bytes) {
    if (type == ObjectType.FILE || type == ObjectType.PAYLOAD_LINK) {
      throw new IllegalArgumentException(type + " is not a metadata object");
    }
    if (type.isContentAddressed() && !ObjectId.sha256(bytes).equals(id)) {
      throw new CorruptObjectException(type, id, "bytes hash to " + ObjectId.sha256(bytes).hex());
    }
    MetadataValidator.validate(type, id, bytes);
    MetadataObserver observer = metadataObserver;
    if (observer != null) {
      observer.seen(type, id, bytes.length);
    }
    boolean replace = type == ObjectType.COMMIT_META;
    if (!replace) {
      if (hasObject(type, id)) {
        stats.objectsSkipped.incrementAndGet();
        return;
      }
      writeStaged(
          type,
          id,
          bytes.length,
          dest -> FastWrite.createWithMode(dest, bytes, 0644),
          dest -> FastWrite.fixMode(dest, 0644, 0644));
      return;
    }
    Path tmp = newTemp();
    try {
      Files.write(tmp, bytes);
      FileAttributes.chmod(tmp, 0644);
      stage(type, id, tmp, replace);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new OstreeException(
          "Writing " + type.extension() + " " + id + ": " + e.getMessage(), e);
    }
  }

  public ObjectId writeCommit(Commit c) {
    return writeMetadata(ObjectType.COMMIT, c.serialize());
  }

  public ObjectId writeDirTree(DirTree t) {
    return writeMetadata(ObjectType.DIR_TREE, t.serialize());
  }

  public ObjectId writeDirMeta(DirMeta m) {
    return writeMetadata(ObjectType.DIR_META, m.serialize());
  }

  /** Replaces the detached metadata of a commit. */
  public void writeCommitMeta(ObjectId commit, Map<String, GVariant> metadata) {
    writeMetadata(ObjectType.COMMIT_META, commit, GVariant.vardict(metadata).serialize());
  }

  /** Writes a content object from {@code size} bytes of {@code content}; returns its checksum. */
  public ObjectId writeContent(FileHeader header, InputStream content, long size) {
    return writeContentChecked(null, header, content, size);
  }

  /**
   * Writes a content object that must have checksum {@code expected}; if the data does not match,
   * nothing is kept and {@link CorruptObjectException} is thrown. Returns immediately if the object
   * exists.
   */
  public void writeContent(ObjectId expected, FileHeader header, InputStream content, long size) {
    if (hasObject(ObjectType.FILE, expected)) {
      stats.objectsSkipped.incrementAndGet();
      return;
    }
    writeContentChecked(expected, header, content, size);
  }

  /**
   * Stores content whose checksum the caller computed from exactly these bytes (as a commit does
   * after hashing a file it holds in memory): skips the second hashing pass.
   */
  public void writeContentTrusted(ObjectId id, FileHeader header, byte[] content) {
    if (hasObject(ObjectType.FILE, id)) {
      stats.objectsSkipped.incrementAndGet();
      return;
    }
    String rel = repo.relativePath(ObjectType.FILE, id);
    if (reserved.putIfAbsent(rel, Boolean.TRUE) != null) {
      stats.objectsSkipped.incrementAndGet(); // another thread is writing the same object
      return;
    }
    // Written straight under its staged name: nothing outside this transaction sees staging/,
    // and the name only enters objects/ after commit() has synced it.
    Path dest = staging.resolve(rel);
    try {
      space.charge(header.isSymlink() ? 0 : content.length);
      ensureDirectory(dest.getParent());
      repo.contentStorage().writeBytes(dest, header, content);
      deferXattrsOf(dest, header);
      staged.put(rel, Boolean.TRUE);
      order.add(rel);
      stats.objectsWritten.incrementAndGet();
      stats.contentBytesWritten.addAndGet(header.isSymlink() ? 0 : content.length);
      // A commit's objects, like a pull's, start reaching the disk while the rest still compresses
      // (the payload length over-counts an archive's compressed file: an earlier writeback is
      // fine).
      noteWritten(content.length);
    } catch (IOException e) {
      abandon(dest, rel);
      throw new OstreeException("Writing content object: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      abandon(dest, rel);
      throw e;
    }
  }

  /** Undoes a staged write that failed, so the same object can be written again. */
  private void abandon(Path dest, String rel) {
    deleteQuietly(dest);
    reserved.remove(rel);
  }

  /**
   * Queues the xattrs the storage could not set on an object written and verified at its staged
   * name. Only verified objects get here: a failed attempt's header never labels a later retry.
   */
  private void deferXattrsOf(Path staged, FileHeader header) {
    deferredXattrs.add(staged, repo.contentStorage().xattrsLeftToCaller(header));
  }

  private final Map<String, Boolean> reserved = new ConcurrentHashMap<>();

  /** Written bytes after which the file system is told to start writing back (see commit()). */
  static final long WRITEBACK_EVERY = 64L * 1024 * 1024;

  private final AtomicLong unsyncedBytes = new AtomicLong();

  /**
   * Counts what a staged write left dirty; every {@link #WRITEBACK_EVERY} bytes a background
   * writeback starts, so a large pull's data reaches the disk while it is still fetching instead of
   * all in the sync that commit() waits for (0.2 s of a 2 s minbase pull).
   */
  private void noteWritten(long size) {
    if (!repo.fsyncEnabled()) {
      return;
    }
    if (unsyncedBytes.addAndGet(size + 4096) >= WRITEBACK_EVERY) {
      unsyncedBytes.set(0);
      Durability.startWriteback(staging);
    }
  }

  private final Map<Path, Boolean> directories = new ConcurrentHashMap<>();

  private void ensureDirectory(Path dir) throws IOException {
    if (!directories.containsKey(dir)) {
      Files.createDirectories(dir);
      directories.put(dir, Boolean.TRUE);
    }
  }

  /** Writes one staged object's file at {@code dest}, or throws. */
  @FunctionalInterface
  private interface StagedWriter {
    void write(Path dest) throws IOException;
  }

  /**
   * Writes an object straight under its staged name (no temp file, no rename): nothing outside this
   * transaction looks into staging/, only names listed in {@code order} are moved into objects/,
   * and they are listed after they were written in full and verified. The name is reserved first,
   * so two threads never write the same file; the loser counts as skipped.
   */
  private void writeStaged(
      ObjectType type, ObjectId id, long size, StagedWriter writer, StagedWriter after) {
    String rel = repo.relativePath(type, id);
    if (reserved.putIfAbsent(rel, Boolean.TRUE) != null) {
      stats.objectsSkipped.incrementAndGet();
      return;
    }
    Path dest = staging.resolve(rel);
    try {
      ensureDirectory(dest.getParent());
      writer.write(dest);
      after.write(dest);
      staged.put(rel, Boolean.TRUE);
      order.add(rel);
      stats.objectsWritten.incrementAndGet();
      noteWritten(size);
    } catch (IOException e) {
      abandon(dest, rel);
      throw new OstreeException(
          "Writing " + type.extension() + " " + id + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      abandon(dest, rel);
      throw e;
    }
  }

  private ObjectId writeContentChecked(
      ObjectId expected, FileHeader header, InputStream content, long size) {
    if (expected != null) {
      // the name is known up front: write under it, verify, and drop the file on a mismatch
      writeStaged(
          ObjectType.FILE,
          expected,
          size,
          dest -> {
            space.charge(header.isSymlink() ? 0 : size); // before a byte of it is written
            ObjectId actual = repo.contentStorage().write(dest, header, content, size, true);
            if (!expected.equals(actual)) {
              throw new CorruptObjectException(
                  ObjectType.FILE, expected, "content hashes to " + actual.hex());
            }
          },
          dest -> {
            deferXattrsOf(dest, header);
            stats.contentBytesWritten.addAndGet(header.isSymlink() ? 0 : size);
          });
      return expected;
    }
    space.charge(header.isSymlink() ? 0 : size);
    Path tmp = newTemp();
    try {
      ObjectId actual = repo.contentStorage().write(tmp, header, content, size, true);
      if (expected != null && !expected.equals(actual)) {
        throw new CorruptObjectException(
            ObjectType.FILE, expected, "content hashes to " + actual.hex());
      }
      if (hasObject(ObjectType.FILE, actual)) {
        deleteQuietly(tmp);
        stats.objectsSkipped.incrementAndGet();
        return actual;
      }
      if (stage(ObjectType.FILE, actual, tmp, false)) {
        deferXattrsOf(staging.resolve(repo.relativePath(ObjectType.FILE, actual)), header);
      }
      stats.contentBytesWritten.addAndGet(header.isSymlink() ? 0 : size);
      return actual;
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new OstreeException("Writing content object: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  private Path newTemp() {
    return staging.resolve("tmp-" + tmpCounter.incrementAndGet());
  }

  /** Gives a verified temp file its staged name; false when another thread staged it first. */
  private boolean stage(ObjectType type, ObjectId id, Path tmp, boolean replace)
      throws IOException {
    String rel = repo.relativePath(type, id);
    Path dest = staging.resolve(rel);
    ensureDirectory(dest.getParent());
    if (!replace && reserved.putIfAbsent(rel, Boolean.TRUE) != null) {
      deleteQuietly(tmp); // another thread wrote (or is writing) the same object
      stats.objectsSkipped.incrementAndGet();
      return false;
    }
    Boolean previous = staged.putIfAbsent(rel, Boolean.TRUE);
    if (previous != null && !replace) {
      deleteQuietly(tmp); // another thread staged the same object first
      stats.objectsSkipped.incrementAndGet();
      return false;
    }
    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (previous == null) {
      order.add(rel);
    }
    stats.objectsWritten.incrementAndGet();
    return true;
  }

  /** Makes every staged object durable and moves it into {@code objects/}. */
  public void commit() {
    if (done) {
      throw new IllegalStateException("transaction already finished");
    }
    try {
      // Xattrs for every staged object that needs them; if that fails, nothing is renamed.
      deferredXattrs.apply();
      if (!order.isEmpty() && repo.fsyncEnabled()) {
        Durability.syncFilesystemOf(staging);
      }
      Path objects = repo.path().resolve("objects");
      Map<String, Set<String>> byPrefix = new LinkedHashMap<>();
      for (String rel : order) {
        int slash = rel.indexOf('/');
        String prefix = slash < 0 ? "" : rel.substring(0, slash);
        byPrefix.computeIfAbsent(prefix, k -> new HashSet<>()).add(rel.substring(slash + 1));
      }
      for (Map.Entry<String, Set<String>> e : byPrefix.entrySet()) {
        String prefix = e.getKey();
        if (!prefix.isEmpty()
            && moveWholeDirectory(staging.resolve(prefix), objects.resolve(prefix), e.getValue())) {
          continue;
        }
        for (String name : e.getValue()) {
          String rel = prefix.isEmpty() ? name : prefix + "/" + name;
          Path dest = objects.resolve(rel);
          ensureDirectory(dest.getParent());
          // rename() replaces an object written meanwhile by someone else: identical by
          // construction, and hard links to the old inode stay valid.
          try {
            Files.move(
                staging.resolve(rel),
                dest,
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          } catch (FileAlreadyExistsException ex) {
            // same as above
          }
        }
      }
      done = true;
    } catch (IOException e) {
      throw new OstreeException("Committing transaction: " + e.getMessage(), e);
    } finally {
      cleanup();
    }
  }

  /**
   * Moves a whole staged {@code objects/XX} directory into place with one rename() when the
   * destination is absent or empty (rename replaces only an empty directory), as in a first pull:
   * 256 renames instead of one per object. Only when the directory holds exactly the verified
   * objects listed for it: a leftover (say, a partial file whose deletion failed) keeps the
   * per-object path, so nothing unverified ever gets a name in objects/.
   */
  private boolean moveWholeDirectory(Path src, Path dest, Set<String> names) {
    String[] listed = src.toFile().list();
    if (listed == null || listed.length != names.size()) {
      return false;
    }
    for (String n : listed) {
      if (!names.contains(n)) {
        return false;
      }
    }
    try {
      Files.move(src, dest, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      return false; // not empty (or a race): the staged directory is untouched
    }
    directories.put(dest, Boolean.TRUE);
    return true;
  }

  /** Aborts unless committed: staged objects are discarded. */
  @Override
  public void close() {
    if (!done) {
      done = true;
      cleanup();
    }
  }

  private boolean cleaned;

  private void cleanup() {
    if (cleaned) {
      return;
    }
    cleaned = true;
    try (Stream<Path> s = Files.walk(staging)) {
      s.sorted(Comparator.reverseOrder()).forEach(Transaction::deleteQuietly);
    } catch (IOException | UncheckedIOException e) {
      // leftovers in tmp/ are harmless and cleaned by prune
    } finally {
      lock.close();
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }
}
