package dev.treewave.ostree.summary;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.delta.DeltaName;
import dev.treewave.ostree.delta.DeltaStore;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.repo.KeyFile;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@code ostree summary -u}: regenerates {@code summary} from the local refs and static deltas,
 * writes the per-commit delta indexes, removes the now stale {@code summary.sig} and records {@code
 * core.indexed-deltas=true} in the config as ostree does.
 */
public final class SummaryWriter {
  private SummaryWriter() {}

  /** Builds the summary of {@code repo} without writing it. */
  public static Summary build(
      OstreeRepo repo, Map<String, GVariant> extraMetadata, long lastModified) {
    List<SummaryRef> refs = new ArrayList<>();
    for (Map.Entry<String, ObjectId> e : repo.refs().list().entrySet()) {
      if (e.getKey().contains(":")) {
        continue; // remote refs are never advertised
      }
      refs.add(refOf(repo, e.getKey(), e.getValue()));
    }
    Map<String, GVariant> meta = new LinkedHashMap<>(extraMetadata);
    Map<String, GVariant> deltas = new LinkedHashMap<>();
    for (DeltaName d : DeltaStore.list(repo.path())) {
      deltas.put(d.toString(), GVariant.bytes(superblockDigest(repo.path(), d).bytes()));
    }
    boolean noDeltas = repo.config().getBoolean("core", "no-deltas-in-summary", false);
    if (!deltas.isEmpty() && !noDeltas) {
      meta.put(Summary.STATIC_DELTAS_KEY, GVariant.vardict(deltas));
    }
    meta.put(Summary.LAST_MODIFIED_KEY, GVariant.u64(Long.reverseBytes(lastModified)));
    meta.put(Summary.MODE_KEY, GVariant.str(repo.config().get("core", "mode").orElse("bare")));
    meta.put(
        Summary.TOMBSTONES_KEY,
        new GVariant.Bool(repo.config().getBoolean("core", "tombstone-commits", false)));
    meta.put(Summary.INDEXED_DELTAS_KEY, new GVariant.Bool(true));
    repo.collectionId().ifPresent(c -> meta.put(Summary.COLLECTION_ID_KEY, GVariant.str(c)));
    return new Summary(refs, meta);
  }

  static SummaryRef refOf(OstreeRepo repo, String name, ObjectId commitId) {
    byte[] bytes = repo.readMetadata(ObjectType.COMMIT, commitId);
    Commit c = Commit.parse(bytes);
    Map<String, GVariant> m = new LinkedHashMap<>();
    m.put(SummaryRef.TIMESTAMP_KEY, GVariant.u64(Long.reverseBytes(c.timestamp())));
    c.version().ifPresent(v -> m.put(SummaryRef.VERSION_KEY, GVariant.str(v)));
    return new SummaryRef(name, bytes.length, commitId, m);
  }

  public static ObjectId superblockDigest(Path repo, DeltaName d) {
    try {
      return ObjectId.sha256(Files.readAllBytes(repo.resolve(d.superblockPath())));
    } catch (IOException e) {
      throw new OstreeException("Reading superblock of delta " + d + ": " + e.getMessage(), e);
    }
  }

  /** Regenerates and writes {@code summary} and the delta indexes; returns the summary bytes. */
  public static byte[] update(OstreeRepo repo, Map<String, GVariant> extraMetadata) {
    Summary s = build(repo, extraMetadata, System.currentTimeMillis() / 1000);
    byte[] bytes = s.serialize();
    Path root = repo.path();
    writeDeltaIndexes(root);
    try {
      Files.deleteIfExists(root.resolve("summary.sig"));
      atomicWrite(root, root.resolve("summary"), bytes);
      KeyFile cfg = KeyFile.parse(Files.readString(root.resolve("config"), StandardCharsets.UTF_8));
      if (!cfg.get("core", "indexed-deltas").map("true"::equals).orElse(false)) {
        cfg.set("core", "indexed-deltas", "true");
        atomicWrite(root, root.resolve("config"), cfg.serialize().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new OstreeException("Writing summary: " + e.getMessage(), e);
    }
    return bytes;
  }

  /** One {@code delta-indexes/…index} per target commit listing every delta producing it. */
  static void writeDeltaIndexes(Path root) {
    Map<ObjectId, List<DeltaName>> byTarget = new TreeMap<>();
    for (DeltaName d : DeltaStore.list(root)) {
      byTarget.computeIfAbsent(d.to(), k -> new ArrayList<>()).add(d);
    }
    try {
      for (Map.Entry<ObjectId, List<DeltaName>> e : byTarget.entrySet()) {
        List<DeltaName> ds = new ArrayList<>(e.getValue());
        ds.sort(Comparator.comparing(d -> d.from().map(ObjectId::hex).orElse("")));
        Map<String, GVariant> inner = new LinkedHashMap<>();
        for (DeltaName d : ds) {
          inner.put(d.toString(), GVariant.bytes(superblockDigest(root, d).bytes()));
        }
        Map<String, GVariant> outer = new LinkedHashMap<>();
        outer.put(Summary.STATIC_DELTAS_KEY, GVariant.vardict(inner));
        Path index = root.resolve(DeltaName.indexPath(e.getKey()));
        Files.createDirectories(index.getParent());
        atomicWrite(root, index, GVariant.vardict(outer).serialize());
      }
    } catch (IOException e) {
      throw new OstreeException("Writing delta indexes: " + e.getMessage(), e);
    }
  }

  /** Parses a delta index file ({@code a{sv}} with {@code ostree.static-deltas}). */
  public static Map<String, ObjectId> parseDeltaIndex(byte[] data) {
    Map<String, GVariant> m =
        GVariant.asVardict(dev.treewave.ostree.gvariant.GVariantParser.parse("a{sv}", data));
    return Summary.deltaMap(m.get(Summary.STATIC_DELTAS_KEY));
  }

  static void atomicWrite(Path root, Path target, byte[] bytes) throws IOException {
    Path tmp = root.resolve("tmp").resolve("write-" + UUID.randomUUID());
    Files.createDirectories(tmp.getParent());
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes {@code summary.sig} (an {@code a{sv}} of signatures) atomically. */
  public static void writeSignatures(OstreeRepo repo, Map<String, GVariant> signatures) {
    try {
      atomicWrite(
          repo.path(),
          repo.path().resolve("summary.sig"),
          GVariant.vardict(signatures).serialize());
    } catch (IOException e) {
      throw new OstreeException("Writing summary.sig: " + e.getMessage(), e);
    }
  }
}
