package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.KeyReference;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import dev.treewave.operator.rollout.CommitResolver;
import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.pull.ArchiveSource;
import dev.treewave.ostree.pull.HttpTransport;
import dev.treewave.ostree.sign.SignatureVerifier;
import dev.treewave.ostree.sign.VerificationPolicy;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Verifier;
import dev.treewave.ostree.sign.gpg.GpgVerifier;
import dev.treewave.ostree.summary.Summary;
import dev.treewave.ostree.summary.SummaryRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Resolves an unpinned ref of an archive-mode OSTree repository over HTTP. With verification on,
 * only from the repository's {@code summary}, and only once {@code summary.sig} verifies with the
 * OSImage's trusted keys (the summary is what binds the ref to a commit; {@code refs/heads} is an
 * unsigned file anyone on the network path could swap). With verification explicitly Disabled, from
 * {@code refs/heads/<ref>} as before. A pinned commit wins without any request.
 */
public final class HttpCommitResolver implements CommitResolver {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{64}");
  private static final long MAX_SUMMARY = 64L << 20;
  private static final long MAX_METADATA = 10L << 20;
  private static final int MAX_CACHED_TIMES = 1024;

  /** Reads a trusted key's material from where the OSImage says (Secret or ConfigMap). */
  @FunctionalInterface
  public interface KeyReader {
    byte[] read(KeyReference reference) throws Exception;
  }

  private final KeyReader keys;

  /** Commit timestamps by commit id: a commit never changes, so one fetch each. */
  private final Map<String, Instant> times = new ConcurrentHashMap<>();

  public HttpCommitResolver(KeyReader keys) {
    this.keys = keys;
  }

  @Override
  public Resolved resolve(ImageSource source, Verification verification) throws Exception {
    if (source.commit() != null) {
      return new Resolved(source.commit(), null);
    }
    if (verification == null || verification.mode() == VerificationMode.Disabled) {
      return new Resolved(unsignedRef(source), null);
    }
    VerificationPolicy policy = new VerificationPolicy(List.of(), verifiers(verification));
    try (ArchiveSource repo = open(source)) {
      byte[] summary =
          repo.file("summary", MAX_SUMMARY)
              .orElseThrow(
                  () ->
                      new IOException(
                          source.url()
                              + " has no summary; with verification on, an unpinned ref is"
                              + " resolved only from a signed summary"));
      byte[] sig =
          repo.file("summary.sig", MAX_METADATA)
              .orElseThrow(
                  () ->
                      new IOException(
                          source.url()
                              + " has no summary.sig; with verification on, an unpinned ref is"
                              + " resolved only from a signed summary"));
      policy.verifySummary(summary, GVariant.asVardict(GVariantParser.parse("a{sv}", sig)));
      SummaryRef ref =
          Summary.parse(summary)
              .ref(source.ref())
              .orElseThrow(() -> new IOException("the signed summary has no ref " + source.ref()));
      Instant time = ref.timestamp().map(Instant::ofEpochSecond).orElse(null);
      return new Resolved(ref.commit().hex(), time);
    }
  }

  @Override
  public Instant commitTime(ImageSource source, String commit) throws IOException {
    Instant known = times.get(commit);
    if (known != null) {
      return known;
    }
    ObjectId id = ObjectId.parse(commit);
    byte[] bytes;
    try (ArchiveSource repo = open(source)) {
      bytes =
          repo.metadata(ObjectType.COMMIT, id, MAX_METADATA)
              .orElseThrow(() -> new IOException(source.url() + " has no commit " + commit));
    }
    // Content-addressed: bytes that hash to the id are the commit, signed or not.
    if (!ObjectId.sha256(bytes).equals(id)) {
      throw new IOException("commit object " + commit + " from " + source.url() + " is corrupt");
    }
    Instant time = Instant.ofEpochSecond(Commit.parse(bytes).timestamp());
    if (times.size() >= MAX_CACHED_TIMES) {
      times.clear();
    }
    times.put(commit, time);
    return time;
  }

  private static ArchiveSource open(ImageSource source) {
    return new ArchiveSource(
        new HttpTransport(source.url(), 2, Duration.ofSeconds(10), Duration.ofSeconds(30)));
  }

  /** The same key formats the agents accept: Ed25519 base64 lines, or one GPG keyring. */
  private List<SignatureVerifier> verifiers(Verification verification) throws Exception {
    List<byte[]> material = new ArrayList<>();
    for (KeyReference ref : verification.keysOrEmpty()) {
      material.add(keys.read(ref));
    }
    if (verification.mode() == VerificationMode.Ed25519) {
      List<byte[]> parsed = new ArrayList<>();
      for (byte[] m : material) {
        for (String line : new String(m, StandardCharsets.US_ASCII).split("\\R")) {
          if (!line.isBlank()) {
            parsed.add(Ed25519Keys.parsePublic(line.strip()));
          }
        }
      }
      return List.of(new Ed25519Verifier(parsed, List.of()));
    }
    if (material.size() != 1) {
      throw new IOException(
          "GPG verification with " + material.size() + " keyrings is not supported; use one");
    }
    return List.of(GpgVerifier.fromKeyringBytes(material.get(0)));
  }

  private static String unsignedRef(ImageSource source) throws IOException {
    try (ArchiveSource repo = open(source)) {
      String path = "refs/heads/" + source.ref();
      String commit =
          new String(
                  repo.file(path, 1024)
                      .orElseThrow(() -> new IOException(source.url() + " has no " + path)),
                  StandardCharsets.US_ASCII)
              .trim();
      if (!COMMIT.matcher(commit).matches()) {
        throw new IOException(source.url() + " " + path + " does not hold a commit checksum");
      }
      return commit;
    }
  }
}
