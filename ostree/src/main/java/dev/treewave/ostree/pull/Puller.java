package dev.treewave.ostree.pull;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.delta.DeltaName;
import dev.treewave.ostree.delta.DeltaPart;
import dev.treewave.ostree.delta.DeltaSuperblock;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.repo.KeyFile;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.Refs;
import dev.treewave.ostree.repo.Transaction;
import dev.treewave.ostree.summary.Summary;
import dev.treewave.ostree.summary.SummaryRef;
import dev.treewave.ostree.summary.SummaryWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pulls commits into a repository: summary (+ signature), ref resolution, commit and detached
 * metadata (signatures verified before anything is written), then either a static delta or the
 * dirtree/dirmeta/file walk, fetching only missing objects, several at a time. Every object passes
 * through a {@link Transaction} that checks it against its name. A commit stays marked {@code
 * state/CSUM.commitpartial} until its tree is complete; objects verified before a failure are kept
 * so the next pull resumes. Refs are written last, only after every requested commit is complete.
 */
public final class Puller {
  /** libostree's {@code OSTREE_MAX_METADATA_SIZE}: metadata objects, summary.sig, configs. */
  static final long MAX_METADATA = 10L * 1024 * 1024;

  /**
   * libostree refuses summaries over {@code OSTREE_MAX_METADATA_SIZE} too; a 97 MB summary with 1.5
   * M refs otherwise took 1.5 GB of heap to parse. The transport stops reading at the limit.
   */
  static final long MAX_SUMMARY = MAX_METADATA;

  static final long MAX_SUPERBLOCK = 256L * 1024 * 1024;

  private final OstreeRepo repo;

  public Puller(OstreeRepo repo) {
    this.repo = repo;
  }

  /** One commit to fetch and, if {@code ref} is set, the ref to point at it. */
  record Target(Optional<String> ref, ObjectId commit, long commitSizeHint) {}

  public PullResult pull(ObjectSource source, PullOptions opts) {
    Stats stats = new Stats(System.nanoTime(), source, opts);
    Map<ObjectId, List<String>> verified = new LinkedHashMap<>();
    List<String> deltasUsed = new ArrayList<>();

    boolean needSummary =
        opts.mirror()
            || opts.refs().stream().anyMatch(r -> !ObjectId.isValid(r) && !r.contains("@"));
    byte[] summaryBytes = null;
    byte[] summarySigBytes = null;
    Summary summary = null;
    if (needSummary || !opts.verification().summary().isEmpty()) {
      summarySigBytes = source.file("summary.sig", MAX_METADATA).orElse(null);
      summaryBytes = source.file("summary", MAX_SUMMARY).orElse(null);
      if (summaryBytes == null && !opts.verification().summary().isEmpty()) {
        throw new PullException(
            "Summary verification enabled, but " + source.describe() + " has no summary");
      }
      if (summaryBytes != null) {
        Map<String, GVariant> sig = null;
        if (summarySigBytes != null) {
          try {
            sig = GVariant.asVardict(GVariantParser.parse("a{sv}", summarySigBytes));
          } catch (GVariantFormatException e) {
            throw new PullException(
                "Invalid summary.sig from " + source.describe() + ": " + e.getMessage());
          }
        }
        opts.verification().verifySummary(summaryBytes, sig);
        try {
          summary = Summary.parse(summaryBytes);
        } catch (GVariantFormatException e) {
          throw new PullException(
              "Invalid summary from " + source.describe() + ": " + e.getMessage());
        }
        checkRemoteMode(source, summary);
      }
    }

    List<Target> targets = resolve(source, opts, summary);
    Map<String, ObjectId> deltaIndex =
        new LinkedHashMap<>(summary == null ? Map.of() : summary.staticDeltas());

    try (Walker walker = new Walker(repo, source, opts.parallelism(), stats)) {
      for (Target t : targets) {
        pullCommitChain(source, opts, t, summary, deltaIndex, walker, verified, deltasUsed, stats);
      }
    }

    Map<String, ObjectId> written = new LinkedHashMap<>();
    for (Target t : targets) {
      if (t.ref().isEmpty()) {
        continue;
      }
      String spec = refspecFor(opts, t.ref().get());
      repo.refs().write(spec, t.commit());
      written.put(spec, t.commit());
    }
    if (opts.mirror() && summaryBytes != null) {
      copyToRepo("summary", summaryBytes);
      if (summarySigBytes != null) {
        copyToRepo("summary.sig", summarySigBytes);
      } else {
        deleteQuietly(repo.path().resolve("summary.sig"));
      }
    }
    PullProgress done = stats.snapshot(true);
    opts.progress().accept(done);
    return new PullResult(written, verified, deltasUsed, done);
  }

  private void checkRemoteMode(ObjectSource source, Summary summary) {
    if (!(source instanceof ArchiveSource)) {
      return;
    }
    // like ostree: a summary that records the mode means the remote config is fetched and checked
    Optional<byte[]> cfg = source.file("config", MAX_METADATA);
    if (cfg.isEmpty()) {
      if (summary.mode().isPresent()) {
        throw new PullException(
            "Remote " + source.describe() + " has a summary but no config file");
      }
      return;
    }
    KeyFile kf;
    try {
      kf = KeyFile.parse(new String(cfg.get(), StandardCharsets.UTF_8));
    } catch (OstreeException e) {
      throw new PullException("Invalid remote config: " + e.getMessage());
    }
    String mode = kf.get("core", "mode").orElse("bare");
    if (!mode.equals("archive-z2") && !mode.equals("archive")) {
      throw new PullException("Can't pull from archives with mode \"" + mode + "\"");
    }
  }

  private String refspecFor(PullOptions opts, String ref) {
    if (opts.mirror() || opts.remoteName().isEmpty()) {
      return ref;
    }
    return opts.remoteName().get() + ":" + ref;
  }

  private List<Target> resolve(ObjectSource source, PullOptions opts, Summary summary) {
    List<String> wanted = new ArrayList<>(opts.refs());
    if (wanted.isEmpty()) {
      if (!opts.mirror() || summary == null) {
        throw new PullException("No refs to pull (and no summary to mirror)");
      }
      summary.refs().forEach(r -> wanted.add(r.name()));
    }
    List<Target> out = new ArrayList<>();
    for (String w : wanted) {
      if (ObjectId.isValid(w)) {
        out.add(new Target(Optional.empty(), ObjectId.parse(w), MAX_METADATA));
        continue;
      }
      int at = w.indexOf('@');
      if (at > 0) {
        String ref = w.substring(0, at);
        checkRef(ref);
        String c = w.substring(at + 1);
        if (!ObjectId.isValid(c)) {
          throw new PullException("Invalid checksum in '" + w + "'");
        }
        out.add(new Target(Optional.of(ref), ObjectId.parse(c), MAX_METADATA));
        continue;
      }
      checkRef(w);
      if (summary != null) {
        SummaryRef r =
            summary
                .ref(w)
                .orElseThrow(
                    () -> new PullException("No such branch '" + w + "' in repository summary"));
        out.add(
            new Target(
                Optional.of(w), r.commit(), Math.min(MAX_METADATA, Math.max(r.commitSize(), 0))));
      } else {
        byte[] b =
            source
                .file("refs/heads/" + w, 1024)
                .orElseThrow(
                    () ->
                        new PullException(
                            "Remote " + source.describe() + " has no ref '" + w + "'"));
        String hex = new String(b, StandardCharsets.US_ASCII).strip();
        if (!ObjectId.isValid(hex)) {
          throw new PullException("Ref '" + w + "' on the remote does not hold a checksum");
        }
        out.add(new Target(Optional.of(w), ObjectId.parse(hex), MAX_METADATA));
      }
    }
    return out;
  }

  private static void checkRef(String ref) {
    if (!Refs.isValidRefName(ref)) {
      throw new PullException("Invalid ref name '" + ref + "'");
    }
  }

  private void pullCommitChain(
      ObjectSource source,
      PullOptions opts,
      Target t,
      Summary summary,
      Map<String, ObjectId> deltaIndex,
      Walker walker,
      Map<ObjectId, List<String>> verified,
      List<String> deltasUsed,
      Stats stats) {
    ObjectId id = t.commit();
    long sizeHint = t.commitSizeHint() > 0 ? t.commitSizeHint() : MAX_METADATA;
    boolean first = true;
    for (int level = 0; opts.depth() < 0 || level <= opts.depth(); level++) {
      boolean wasComplete = isComplete(id);
      boolean usedDelta = false;
      if (first
          && opts.useDeltas()
          && !opts.commitMetadataOnly()
          && source.supportsDeltas()
          && !wasComplete) {
        Optional<DeltaName> delta = chooseDelta(source, opts, t, summary, deltaIndex);
        if (delta.isPresent()) {
          List<String> sigs =
              applyDelta(source, opts, t.ref(), delta.get(), deltaIndex, walker, stats);
          verified.put(id, sigs);
          deltasUsed.add(delta.get().toString());
          usedDelta = true;
        }
      }
      Commit commit;
      if (!usedDelta) {
        Optional<Commit> c =
            fetchCommit(
                source,
                opts,
                id,
                first ? t.ref() : Optional.empty(),
                sizeHint,
                first,
                verified,
                stats);
        if (c.isEmpty()) {
          return; // a missing parent ends the history (tolerated, as ostree)
        }
        commit = c.get();
      } else {
        commit = repo.readCommit(id);
      }
      if (!opts.commitMetadataOnly() && !wasComplete) {
        walker.walkCommit(id, commit);
        markPartial(id, false);
      }
      first = false;
      if (commit.parent().isEmpty()) {
        return;
      }
      id = commit.parent().get();
      sizeHint = MAX_METADATA;
    }
  }

  /**
   * Fetches and verifies a commit and its detached metadata and stores both, marking the commit
   * partial. Returns empty only for a parent the remote does not have.
   */
  private Optional<Commit> fetchCommit(
      ObjectSource source,
      PullOptions opts,
      ObjectId id,
      Optional<String> ref,
      long sizeHint,
      boolean required,
      Map<ObjectId, List<String>> verified,
      Stats stats) {
    Optional<byte[]> meta = source.metadata(ObjectType.COMMIT_META, id, MAX_METADATA);
    byte[] bytes;
    Optional<byte[]> local = repo.readMetadataIfExists(ObjectType.COMMIT, id);
    if (local.isPresent()) {
      bytes = local.get();
    } else {
      Optional<byte[]> fetched = source.metadata(ObjectType.COMMIT, id, sizeHint);
      if (fetched.isEmpty()) {
        if (required) {
          throw new PullException("Commit " + id + " not found on " + source.describe());
        }
        return Optional.empty();
      }
      bytes = fetched.get();
      stats.metadata.incrementAndGet();
      if (!ObjectId.sha256(bytes).equals(id)) {
        throw new PullException(
            "Corrupted commit object " + id + ": bytes hash to " + ObjectId.sha256(bytes).hex());
      }
    }
    Commit commit;
    try {
      commit = Commit.parse(bytes);
    } catch (GVariantFormatException | ClassCastException e) {
      throw new PullException("Corrupted commit object " + id + ": " + e.getMessage());
    }
    Map<String, GVariant> metaMap = null;
    if (meta.isPresent()) {
      try {
        metaMap = GVariant.asVardict(GVariantParser.parse("a{sv}", meta.get()));
      } catch (GVariantFormatException e) {
        throw new PullException(
            "Invalid detached metadata of commit " + id + ": " + e.getMessage());
      }
    }
    checkRefBinding(commit, id, ref);
    verified.put(id, opts.verification().verifyCommit(id, bytes, metaMap));
    if (required) {
      checkTimestamp(opts, ref, id, commit);
    }
    boolean complete = isComplete(id);
    if (!complete) {
      markPartial(id, true);
    }
    try (Transaction tx = repo.beginTransaction()) {
      tx.writeMetadata(ObjectType.COMMIT, id, bytes);
      if (meta.isPresent()) {
        tx.writeMetadata(ObjectType.COMMIT_META, id, meta.get());
      }
      tx.commit();
    }
    return Optional.of(commit);
  }

  /**
   * A commit that names the refs it was made for ({@code ostree.ref-binding}) must be pulled under
   * one of them: stops a server from passing off another branch's (e.g. older) commit as this one.
   */
  static void checkRefBinding(Commit commit, ObjectId id, Optional<String> ref) {
    if (ref.isEmpty() || !(commit.metadata().get("ostree.ref-binding") instanceof GVariant.Arr a)) {
      return;
    }
    List<String> bound = new ArrayList<>();
    for (GVariant v : a.elements()) {
      if (v instanceof GVariant.Str str) {
        bound.add(str.value());
      }
    }
    if (!bound.contains(ref.get())) {
      throw new PullException(
          "Commit "
              + id
              + " is bound to refs "
              + bound
              + ", not to the requested ref '"
              + ref.get()
              + "'");
    }
  }

  /**
   * libostree's {@code --timestamp-check}: a ref may not move to a commit older than the commit it
   * points to now (an older, validly signed commit replayed by a mirror would otherwise be a silent
   * downgrade). Checked once the new commit is verified, before anything of it is written.
   */
  private void checkTimestamp(PullOptions opts, Optional<String> ref, ObjectId id, Commit commit) {
    if (!opts.timestampCheck() || ref.isEmpty()) {
      return;
    }
    ObjectId current = currentRef(opts, ref.get());
    if (current == null || current.equals(id) || !repo.hasObject(ObjectType.COMMIT, current)) {
      return;
    }
    long now = repo.readCommit(current).timestamp();
    if (commit.timestamp() < now) {
      throw new DowngradeRefusedException(
          "Upgrade target revision '"
              + id
              + "' with timestamp '"
              + java.time.Instant.ofEpochSecond(commit.timestamp())
              + "' is chronologically older than current revision '"
              + current
              + "' with timestamp '"
              + java.time.Instant.ofEpochSecond(now)
              + "' of "
              + refspecFor(opts, ref.get())
              + "; refused (--timestamp-check)");
    }
  }

  boolean isComplete(ObjectId id) {
    return repo.hasObject(ObjectType.COMMIT, id) && !Files.exists(partialMarker(id));
  }

  private Path partialMarker(ObjectId id) {
    return repo.path().resolve("state").resolve(id.hex() + ".commitpartial");
  }

  void markPartial(ObjectId id, boolean partial) {
    Path p = partialMarker(id);
    try {
      if (partial) {
        Files.createDirectories(p.getParent());
        if (!Files.exists(p)) {
          Files.write(p, new byte[0]);
        }
      } else {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new OstreeException("Updating " + p + ": " + e.getMessage(), e);
    }
  }

  private Optional<DeltaName> chooseDelta(
      ObjectSource source,
      PullOptions opts,
      Target t,
      Summary summary,
      Map<String, ObjectId> deltaIndex) {
    ObjectId to = t.commit();
    Map<String, ObjectId> available = new LinkedHashMap<>(deltaIndex);
    if (summary == null || summary.indexedDeltas()) {
      source
          .file(DeltaName.indexPath(to), MAX_METADATA)
          .ifPresent(b -> available.putAll(parseIndex(b)));
    }
    Optional<ObjectId> current =
        t.ref().flatMap(r -> Optional.ofNullable(currentRef(opts, r))).filter(this::isComplete);
    List<DeltaName> candidates = new ArrayList<>();
    for (String name : available.keySet()) {
      DeltaName d;
      try {
        d = DeltaName.parse(name);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (d.to().equals(to) && d.from().map(this::isComplete).orElse(false)) {
        candidates.add(d);
      }
    }
    Optional<DeltaName> best =
        candidates.stream().filter(d -> d.from().equals(current)).findFirst();
    if (best.isEmpty()) {
      best =
          candidates.stream()
              .max(
                  java.util.Comparator.comparingLong(
                      d -> repo.readCommit(d.from().get()).timestamp()));
    }
    if (best.isEmpty()
        && available.containsKey(to.hex())
        && !repo.hasObject(ObjectType.COMMIT, to)) {
      best = Optional.of(DeltaName.scratch(to));
    }
    if (best.isPresent()) {
      deltaIndex.putIfAbsent(best.get().toString(), available.get(best.get().toString()));
    }
    return best;
  }

  private static Map<String, ObjectId> parseIndex(byte[] b) {
    try {
      return SummaryWriter.parseDeltaIndex(b);
    } catch (GVariantFormatException | ClassCastException e) {
      throw new PullException("Invalid static delta index: " + e.getMessage());
    }
  }

  private ObjectId currentRef(PullOptions opts, String ref) {
    return repo.refs().read(refspecFor(opts, ref)).orElse(null);
  }

  /** Fetches, verifies and applies a static delta; returns the commit's signature checks. */
  private List<String> applyDelta(
      ObjectSource source,
      PullOptions opts,
      Optional<String> ref,
      DeltaName name,
      Map<String, ObjectId> deltaIndex,
      Walker walker,
      Stats stats) {
    byte[] sbBytes =
        source
            .file(name.superblockPath(), Math.min(MAX_SUPERBLOCK, 2 * DeltaPart.memoryBudget()))
            .orElseThrow(
                () -> new PullException("Static delta " + name + " is advertised but missing"));
    ObjectId expected = deltaIndex.get(name.toString());
    if (expected != null && !ObjectId.sha256(sbBytes).equals(expected)) {
      throw new PullException(
          "Static delta superblock " + name + " does not match its checksum in the summary");
    }
    DeltaSuperblock sb = DeltaSuperblock.parse(sbBytes);
    if (!sb.to().equals(name.to()) || !sb.from().equals(name.from())) {
      throw new PullException("Static delta superblock " + name + " describes another delta");
    }
    byte[] commitBytes = sb.commitBytes();
    if (!ObjectId.sha256(commitBytes).equals(name.to())) {
      throw new PullException(
          "Static delta " + name + " carries a commit that does not match its name");
    }
    Optional<Map<String, GVariant>> meta = sb.commitMeta();
    Optional<byte[]> metaBytes = meta.map(m -> GVariant.vardict(m).serialize());
    if (meta.isEmpty()) {
      metaBytes = source.metadata(ObjectType.COMMIT_META, name.to(), MAX_METADATA);
      meta = metaBytes.map(b -> GVariant.asVardict(GVariantParser.parse("a{sv}", b)));
    }
    List<String> sigs = opts.verification().verifyCommit(name.to(), commitBytes, meta.orElse(null));
    checkRefBinding(sb.commit(), name.to(), ref);
    checkTimestamp(opts, ref, name.to(), sb.commit());
    markPartial(name.to(), true);
    final Optional<byte[]> mb = metaBytes;
    try (Transaction tx = repo.beginTransaction()) {
      tx.writeMetadata(ObjectType.COMMIT, name.to(), commitBytes);
      mb.ifPresent(b -> tx.writeMetadata(ObjectType.COMMIT_META, name.to(), b));
      tx.commit();
    }
    stats.metadata.incrementAndGet();
    stats.partsTotal.addAndGet(sb.parts().size());
    walker.runDelta(sb, name, this::fetchPart);
    return sigs;
  }

  private byte[] fetchPart(ObjectSource source, DeltaSuperblock sb, int i) {
    DeltaSuperblock.PartHeader h = sb.parts().get(i);
    // a part file is at most its payload plus xz framing; the payload is bounded by the declared
    // object sizes, so a larger declared file size is refused before fetching anything
    long maxFile = DeltaPart.payloadLimit(h.uncompressedSize()) + 64 * 1024;
    if (h.size() < 0 || h.size() > maxFile) {
      throw new PullException(
          "Static delta part "
              + i
              + " of "
              + sb.name()
              + " declares "
              + Long.toUnsignedString(h.size())
              + " bytes for "
              + h.uncompressedSize()
              + " bytes of objects; refused");
    }
    Optional<byte[]> inline = sb.inlinePart(i);
    byte[] data =
        inline.orElseGet(
            () ->
                source
                    .file(sb.name().partPath(i), h.size() + 1)
                    .orElseThrow(
                        () ->
                            new PullException(
                                "Static delta part " + i + " of " + sb.name() + " is missing")));
    if (inline.isEmpty()
        && (data.length != h.size() || !ObjectId.sha256(data).equals(h.checksum()))) {
      throw new PullException(
          "Static delta part "
              + i
              + " of "
              + sb.name()
              + " has the wrong checksum (corrupt or truncated)");
    }
    return data;
  }

  private void copyToRepo(String name, byte[] bytes) {
    try {
      Path tmp = repo.path().resolve("tmp").resolve(name + "-" + UUID.randomUUID());
      Files.write(tmp, bytes);
      Files.move(
          tmp,
          repo.path().resolve(name),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new OstreeException("Writing " + name + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }

  /** Shared counters behind {@link PullProgress}. */
  static final class Stats {
    final long start;
    final ObjectSource source;
    final PullOptions opts;
    final AtomicLong metadata = new AtomicLong();
    final AtomicLong content = new AtomicLong();
    final AtomicLong requested = new AtomicLong();
    final AtomicLong parts = new AtomicLong();
    final AtomicLong partsTotal = new AtomicLong();
    final AtomicLong contentBytes = new AtomicLong();

    Stats(long start, ObjectSource source, PullOptions opts) {
      this.start = start;
      this.source = source;
      this.opts = opts;
    }

    PullProgress snapshot(boolean done) {
      return new PullProgress(
          metadata.get(),
          content.get(),
          requested.get(),
          metadata.get() + content.get(),
          parts.get(),
          partsTotal.get(),
          source.bytesTransferred(),
          contentBytes.get(),
          Duration.ofNanos(System.nanoTime() - start),
          done);
    }

    void report() {
      opts.progress().accept(snapshot(false));
    }
  }
}
