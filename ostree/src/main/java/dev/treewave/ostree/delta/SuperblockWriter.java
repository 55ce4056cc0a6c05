package dev.treewave.ostree.delta;

import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a delta's superblock once all its parts are written: the metadata (endianness, inline
 * parts, the target's commitmeta), the target commit and the part and fallback tables. It is moved
 * into place atomically, so a delta is visible only complete.
 */
final class SuperblockWriter {
  private SuperblockWriter() {}

  static DeltaSuperblock write(
      OstreeRepo repo,
      DeltaName name,
      List<DeltaSuperblock.PartHeader> headers,
      Map<Integer, byte[]> inlineParts,
      List<DeltaSuperblock.Fallback> fallbacks)
      throws IOException {
    Path dir = repo.path().resolve(name.directory());
    Map<String, GVariant> meta = new LinkedHashMap<>();
    meta.put(DeltaSuperblock.ENDIANNESS_KEY, new GVariant.U8((byte) 'l'));
    inlineParts.forEach(
        (i, file) -> meta.put(name.directory() + "/" + i, GVariantParser.parse("(yay)", file)));
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
    Path tmp = repo.path().resolve("tmp").resolve("delta-" + UUID.randomUUID());
    Files.write(tmp, sb.serialize());
    Files.move(
        tmp,
        dir.resolve("superblock"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    return sb;
  }
}
