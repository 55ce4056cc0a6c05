package dev.treewave.ostree.sign;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantType;
import dev.treewave.ostree.repo.OstreeRepo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Adding signatures to detached metadata (commitmeta, summary.sig), as {@code aay} lists. */
public final class Signatures {
  private static final GVariantType AY = GVariantType.parse("ay");

  private Signatures() {}

  /**
   * Returns a copy of {@code meta} with {@code signature} appended to the list under {@code key}.
   */
  public static Map<String, GVariant> append(
      Map<String, GVariant> meta, String key, byte[] signature) {
    Map<String, GVariant> out = new LinkedHashMap<>(meta);
    List<GVariant> sigs = new ArrayList<>();
    for (byte[] s : SignatureVerifier.signaturesIn(meta, key)) {
      sigs.add(GVariant.bytes(s));
    }
    sigs.add(GVariant.bytes(signature));
    out.put(key, new GVariant.Arr(AY, sigs));
    return out;
  }

  /**
   * Signs a commit of {@code repo} with {@code signer} and stores it in the commit's commitmeta.
   */
  public static void signCommit(OstreeRepo repo, ObjectId commit, Signer signer) {
    byte[] commitBytes = repo.readMetadata(ObjectType.COMMIT, commit);
    Map<String, GVariant> meta = repo.readCommitMeta(commit).orElse(Map.of());
    Map<String, GVariant> updated = append(meta, signer.metadataKey(), signer.sign(commitBytes));
    repo.inTransaction(tx -> tx.writeCommitMeta(commit, updated));
  }
}
