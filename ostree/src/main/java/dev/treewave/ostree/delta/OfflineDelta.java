package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.Transaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code ostree static-delta apply-offline}: applies a delta from a superblock file with its parts
 * beside it. The source commit's objects and all fallback objects must already be in the repo;
 * every object is checked against its name, each part against its header checksum.
 */
public final class OfflineDelta {
  private OfflineDelta() {}

  public static DeltaSuperblock read(Path superblock) {
    try {
      return DeltaSuperblock.parse(Files.readAllBytes(superblock));
    } catch (IOException e) {
      throw new DeltaException("Reading " + superblock + ": " + e.getMessage(), e);
    }
  }

  /** Applies the delta; returns the target commit. Nothing is visible unless all succeeds. */
  public static ObjectId apply(OstreeRepo repo, Path superblock) {
    DeltaSuperblock sb = read(superblock);
    if (sb.from().isPresent() && !repo.hasObject(ObjectType.COMMIT, sb.from().get())) {
      throw new DeltaException(
          "Delta source commit " + sb.from().get() + " is not in the repository");
    }
    for (DeltaSuperblock.Fallback f : sb.fallbacks()) {
      if (!repo.hasObject(f.type(), f.id())) {
        throw new DeltaException("Delta fallback object " + f.id() + " is not in the repository");
      }
    }
    Path dir = superblock.toAbsolutePath().getParent();
    try (Transaction tx = repo.beginTransaction()) {
      DeltaApplier applier = new DeltaApplier(repo, tx);
      for (int i = 0; i < sb.parts().size(); i++) {
        DeltaSuperblock.PartHeader h = sb.parts().get(i);
        Optional<byte[]> inline = sb.inlinePart(i);
        byte[] data;
        if (inline.isPresent()) {
          data = inline.get();
        } else {
          data = Files.readAllBytes(dir.resolve(Integer.toString(i)));
          if (data.length != h.size() || !ObjectId.sha256(data).equals(h.checksum())) {
            throw new DeltaException("Static delta part " + i + " has the wrong checksum");
          }
        }
        applier.apply(
            DeltaPart.decode(data, DeltaPart.payloadLimit(h.uncompressedSize())),
            h.objects(),
            h.uncompressedSize());
      }
      tx.writeMetadata(ObjectType.COMMIT, sb.to(), sb.commitBytes());
      sb.commitMeta()
          .ifPresent(
              m ->
                  tx.writeMetadata(
                      ObjectType.COMMIT_META, sb.to(), GVariant.vardict(m).serialize()));
      tx.commit();
    } catch (IOException e) {
      throw new DeltaException("Applying " + superblock + ": " + e.getMessage(), e);
    }
    return sb.to();
  }
}
