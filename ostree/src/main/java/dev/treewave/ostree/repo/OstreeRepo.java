package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * An OSTree repository on disk: {@code config}, {@code objects/XX/…}, {@code refs/}, {@code tmp/}.
 * Readers verify what they read (metadata is re-hashed and strictly parsed); writes go through a
 * {@link Transaction}. Instances are thread-safe.
 */
public final class OstreeRepo {
  private static final List<String> INIT_DIRS =
      List.of(
          "tmp",
          "tmp/cache",
          "extensions",
          "state",
          "refs",
          "refs/heads",
          "refs/mirrors",
          "refs/remotes",
          "objects");

  private final Path root;

  /** {@code root/objects}, resolved once: a checkout or pull asks for thousands of object paths. */
  private final Path objectsDir;

  private final KeyFile config;
  private final RepoMode mode;
  private final ContentStorage storage;
  private final Refs refs;

  private OstreeRepo(Path root, KeyFile config) {
    this.root = root;
    this.objectsDir = root.resolve("objects");
    this.config = config;
    String repoVersion = config.get("core", "repo_version").orElse("1");
    if (!repoVersion.equals("1")) {
      throw new OstreeException("Unsupported repository version " + repoVersion);
    }
    if (config.get("core", "archive").isPresent()) {
      throw new OstreeException("This repository uses the obsolete 'archive=true' format");
    }
    this.mode = RepoMode.parse(config.get("core", "mode").orElse("bare"));
    this.storage = ContentStorage.forMode(mode);
    this.refs = new Refs(root);
  }

  /** {@code ostree init}: creates the layout and config; an existing repository is opened. */
  public static OstreeRepo init(Path root, RepoMode mode) {
    return init(root, mode, Optional.empty());
  }

  public static OstreeRepo init(Path root, RepoMode mode, Optional<String> collectionId) {
    Path cfg = root.resolve("config");
    if (Files.exists(cfg)) {
      OstreeRepo existing = open(root);
      if (existing.mode() != mode) {
        throw new OstreeException(
            "Repository " + root + " already exists with mode " + existing.mode().configName());
      }
      return existing;
    }
    try {
      for (String d : INIT_DIRS) {
        Files.createDirectories(root.resolve(d));
      }
      StringBuilder sb =
          new StringBuilder("[core]\nrepo_version=1\nmode=" + mode.configName() + "\n");
      collectionId.ifPresent(c -> sb.append("collection-id=").append(c).append('\n'));
      Path tmp = root.resolve("tmp").resolve("config.new");
      Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
      Files.move(tmp, cfg, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Path lock = root.resolve(".lock");
      if (!Files.exists(lock)) {
        Files.createFile(lock);
      }
    } catch (IOException e) {
      throw new OstreeException("Creating repository " + root + ": " + e.getMessage(), e);
    }
    return open(root);
  }

  /** Opens an existing repository; fails with a clear message if there is none. */
  public static OstreeRepo open(Path root) {
    Path cfg = root.resolve("config");
    try {
      return new OstreeRepo(root, KeyFile.parse(Files.readString(cfg, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      throw new OstreeException("No OSTree repository at " + root + " (" + cfg + " not found)");
    } catch (IOException e) {
      throw new OstreeException("Reading " + cfg + ": " + e.getMessage(), e);
    }
  }

  public Path path() {
    return root;
  }

  public RepoMode mode() {
    return mode;
  }

  /** The parsed {@code config} keyfile (a snapshot taken when the repo was opened). */
  public KeyFile config() {
    return config;
  }

  public Optional<String> collectionId() {
    return config.get("core", "collection-id");
  }

  boolean fsyncEnabled() {
    return config.getBoolean("core", "fsync", true);
  }

  ContentStorage contentStorage() {
    return storage;
  }

  public Refs refs() {
    return refs;
  }

  // ---------- objects ----------

  String relativePath(ObjectType type, ObjectId id) {
    return ObjectPaths.relative(type, id, mode);
  }

  /** Where a loose object lives (whether or not it exists). */
  public Path objectPath(ObjectType type, ObjectId id) {
    return objectsDir.resolve(relativePath(type, id));
  }

  public boolean hasObject(ObjectType type, ObjectId id) {
    Path p = objectPath(type, id);
    // only bare and bare-user-only keep symlinks as symlinks: a dangling one still exists
    boolean symlinks =
        type == ObjectType.FILE && (mode == RepoMode.BARE || mode == RepoMode.BARE_USER_ONLY);
    NativeFs fs = symlinks ? NativeFs.system().orElse(null) : null;
    if (fs != null) {
      return fs.exists(p); // one faccessat for both cases, and no exception for a miss
    }
    // java.io.File.exists() asks stat() without throwing for an absent file; Files.exists() on
    // Java 17 builds a NoSuchFileException for each miss, and a pull asks about every object.
    if (p.toFile().exists()) {
      return true;
    }
    return symlinks && Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }

  /** Starts a write transaction; use try-with-resources and call {@link Transaction#commit()}. */
  public Transaction beginTransaction() {
    return new Transaction(this);
  }

  /** Runs {@code body} in a transaction and commits it. */
  public void inTransaction(Consumer<Transaction> body) {
    try (Transaction tx = beginTransaction()) {
      body.accept(tx);
      tx.commit();
    }
  }

  /** Writes one metadata object in its own transaction. */
  public ObjectId writeMetadata(ObjectType type, byte[] bytes) {
    ObjectId[] out = new ObjectId[1];
    inTransaction(tx -> out[0] = tx.writeMetadata(type, bytes));
    return out[0];
  }

  /** Writes one content object in its own transaction. */
  public ObjectId writeContent(FileHeader header, InputStream content, long size) {
    ObjectId[] out = new ObjectId[1];
    inTransaction(tx -> out[0] = tx.writeContent(header, content, size));
    return out[0];
  }

  /** The bytes of a metadata object, verified: re-hashed (where named by hash) and parsed. */
  public byte[] readMetadata(ObjectType type, ObjectId id) {
    Optional<byte[]> b = readMetadataIfExists(type, id);
    if (b.isEmpty()) {
      throw new ObjectNotFoundException(type, id);
    }
    return b.get();
  }

  public Optional<byte[]> readMetadataIfExists(ObjectType type, ObjectId id) {
    Optional<byte[]> bytes = readHashed(type, id);
    bytes.ifPresent(b -> MetadataValidator.validate(type, id, b));
    return bytes;
  }

  /** The stored bytes, re-hashed where named by hash, but not parsed. */
  private Optional<byte[]> readHashed(ObjectType type, ObjectId id) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(objectPath(type, id));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new OstreeException(
          "Reading " + type.extension() + " " + id + ": " + e.getMessage(), e);
    }
    if (type.isContentAddressed()) {
      ObjectId actual = ObjectId.sha256(bytes);
      if (!actual.equals(id)) {
        throw new CorruptObjectException(type, id, "bytes hash to " + actual.hex());
      }
    }
    return Optional.of(bytes);
  }

  /**
   * Reads and parses a metadata object once: the strict parse is the validation that {@link
   * #readMetadata} does, so parsing the validated bytes again would do the same work twice (a third
   * of a hard-link checkout's Java work went to that second parse of every dirtree).
   */
  private <T> T readParsed(ObjectType type, ObjectId id, Function<byte[], T> parse) {
    byte[] bytes = readHashed(type, id).orElseThrow(() -> new ObjectNotFoundException(type, id));
    return MetadataValidator.parsed(type, id, () -> parse.apply(bytes));
  }

  public Commit readCommit(ObjectId id) {
    return readParsed(ObjectType.COMMIT, id, Commit::parse);
  }

  public DirTree readDirTree(ObjectId id) {
    return readParsed(ObjectType.DIR_TREE, id, DirTree::parse);
  }

  public DirMeta readDirMeta(ObjectId id) {
    return readParsed(ObjectType.DIR_META, id, DirMeta::parseDirectory);
  }

  /** Detached metadata of a commit (signatures live here), if any. */
  public Optional<Map<String, GVariant>> readCommitMeta(ObjectId commit) {
    return readMetadataIfExists(ObjectType.COMMIT_META, commit)
        .map(b -> GVariant.asVardict(GVariantParser.parse("a{sv}", b)));
  }

  /**
   * Opens a content object (not re-hashed: use {@link #verifyContent} or fsck for that). Malformed
   * stored data raises {@link CorruptObjectException}.
   */
  public ContentObject openContent(ObjectId id) {
    Path p = objectPath(ObjectType.FILE, id);
    try {
      return storage.open(p);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(ObjectType.FILE, id);
    } catch (GVariantFormatException | ClassCastException e) {
      throw new CorruptObjectException(ObjectType.FILE, id, e.getMessage());
    } catch (IOException e) {
      throw new OstreeException("Reading content object " + id + ": " + e.getMessage(), e);
    }
  }

  /** Re-hashes a content object; throws {@link CorruptObjectException} if it does not match. */
  public void verifyContent(ObjectId id) {
    try (ContentObject c = openContent(id)) {
      ObjectId actual = dev.treewave.ostree.core.ContentObjects.checksum(c.header(), c.content());
      if (!actual.equals(id)) {
        throw new CorruptObjectException(
            ObjectType.FILE, id, "content hashes to " + actual.hex() + storage.readLimitation());
      }
    } catch (IOException e) {
      throw new CorruptObjectException(ObjectType.FILE, id, e.getMessage());
    }
  }

  /** Every loose object of a type. */
  public List<ObjectId> listObjects(ObjectType type) {
    String suffix = "." + relativePath(type, DirTree.EMPTY_ID).split("\\.", 2)[1];
    List<ObjectId> out = new ArrayList<>();
    Path objects = root.resolve("objects");
    try (Stream<Path> dirs = Files.list(objects)) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String prefix = d.getFileName().toString();
        if (prefix.length() != 2 || !Files.isDirectory(d)) {
          continue;
        }
        try (Stream<Path> files = Files.list(d)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            String n = f.getFileName().toString();
            if (n.endsWith(suffix) && n.length() == 62 + suffix.length()) {
              String hex = prefix + n.substring(0, 62);
              if (ObjectId.isValid(hex)) {
                out.add(ObjectId.parse(hex));
              }
            }
          }
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new OstreeException("Listing objects: " + e.getMessage(), e);
    }
    return out;
  }

  /** Deletes a loose object; returns false if absent. Callers hold the exclusive lock (prune). */
  public boolean deleteObject(ObjectType type, ObjectId id) {
    try {
      return Files.deleteIfExists(objectPath(type, id));
    } catch (IOException e) {
      throw new OstreeException("Deleting " + id + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code body} holding the repository lock exclusively (no concurrent transactions). */
  public <T> T withExclusiveLock(java.util.function.Supplier<T> body) {
    try (RepoLock.Held h = RepoLock.of(root).exclusive()) {
      return body.get();
    }
  }

  // ---------- revisions ----------

  /**
   * Resolves a revision as ostree does: a 64-hex checksum, a refspec ({@code REF} or {@code
   * REMOTE:REF}), a ref under {@code refs/remotes} written {@code REMOTE/REF}, a collection ref of
   * this repo, and, when there is no local head of that name, the same ref of any remote ({@code
   * ostree pull origin os/stable} then {@code checkout os/stable}, as libostree's
   * ostree_repo_resolve_rev), each optionally followed by {@code ^} (parent), repeatable.
   */
  public ObjectId resolveRev(String rev) {
    return resolveRevOptional(rev)
        .orElseThrow(() -> new OstreeException("Refspec '" + rev + "' not found"));
  }

  public Optional<ObjectId> resolveRevOptional(String rev) {
    if (rev.endsWith("^")) {
      Optional<ObjectId> child = resolveRevOptional(rev.substring(0, rev.length() - 1));
      if (child.isEmpty()) {
        return child;
      }
      Commit c = readCommit(child.get());
      return Optional.of(
          c.parent()
              .orElseThrow(() -> new OstreeException("Commit " + child.get() + " has no parent")));
    }
    if (ObjectId.isValid(rev)) {
      return Optional.of(ObjectId.parse(rev));
    }
    Refs.RefSpec spec;
    try {
      spec = Refs.RefSpec.parse(rev);
    } catch (OstreeException e) {
      throw new OstreeException("Invalid refspec " + rev); // ostree's words
    }
    Optional<ObjectId> found = refs.read(spec.toString());
    if (found.isEmpty() && spec.remote().isEmpty() && rev.contains("/")) {
      int slash = rev.indexOf('/');
      found = refs.read(rev.substring(0, slash) + ":" + rev.substring(slash + 1));
    }
    if (found.isEmpty() && spec.remote().isEmpty() && collectionId().isPresent()) {
      found = refs.readCollectionRef(collectionId().get(), rev);
    }
    if (found.isEmpty() && spec.remote().isEmpty()) {
      found = refs.readFromAnyRemote(rev);
    }
    return found;
  }
}
