package dev.treewave.ostree.delta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.pull.TreeFixture;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our generator against our applier: text goes into xz parts, random bytes into stored-chunk parts,
 * parts written on background threads keep their numbering, and nothing is left in {@code tmp/}.
 */
class DeltaGeneratorTest {
  @TempDir Path tmp;

  /** A tree of text files, random (incompressible) files and one large modified file. */
  static void mixedTree(Path dir, int version) throws IOException {
    Files.createDirectories(dir.resolve("usr/share/doc"));
    Files.createDirectories(dir.resolve("usr/lib/firmware"));
    Random r = new Random(7);
    for (int i = 0; i < 30; i++) {
      StringBuilder s = new StringBuilder();
      for (int k = 0; k < 400; k++) {
        s.append("line ").append(k).append(" of document ").append(i).append('\n');
      }
      Files.writeString(dir.resolve("usr/share/doc/d" + i + ".txt"), s);
    }
    for (int i = 0; i < 30; i++) {
      byte[] b = new byte[20_000 + 1000 * i];
      r.nextBytes(b);
      Files.write(dir.resolve("usr/lib/firmware/f" + i + ".bin"), b);
    }
    // 600 KB of text, of which version 2 changes a window in the middle (a rolling diff)
    StringBuilder list = new StringBuilder();
    for (int k = 0; list.length() < 600_000; k++) {
      list.append("Package: p").append(k).append("\nVersion: ").append(k % 13).append('\n');
    }
    byte[] l = list.toString().getBytes(StandardCharsets.US_ASCII);
    if (version > 1) {
      for (int i = 300_000; i < 304_000; i++) {
        l[i] = (byte) ('a' + (i * version) % 26);
      }
      byte[] extra = new byte[50_000];
      new Random(version).nextBytes(extra);
      Files.write(dir.resolve("usr/lib/firmware/new-" + version + ".bin"), extra);
    }
    Files.write(dir.resolve("usr/share/doc/Packages"), l);
  }

  private static List<Path> parts(Path deltaDir) throws IOException {
    try (Stream<Path> s = Files.list(deltaDir)) {
      return s.filter(p -> !p.getFileName().toString().equals("superblock")).sorted().toList();
    }
  }

  private static List<Integer> compressionTypes(List<Path> parts) throws IOException {
    List<Integer> out = new ArrayList<>();
    for (Path p : parts) {
      try (var in = Files.newInputStream(p)) {
        out.add(in.read());
      }
    }
    return out;
  }

  @Test
  void incompressibleFilesGoIntoStoredChunkPartsAndTheDeltaApplies() throws IOException {
    OstreeRepo src = OstreeRepo.init(tmp.resolve("src"), RepoMode.ARCHIVE);
    Path tree = tmp.resolve("tree");
    mixedTree(tree, 1);
    ObjectId c1 = TreeFixture.commit(src, tree, "os", Optional.empty(), 1_700_000_000L);
    mixedTree(tree, 2);
    ObjectId c2 = TreeFixture.commit(src, tree, "os", Optional.of(c1), 1_700_000_100L);

    DeltaGenerator gen = new DeltaGenerator(src, DeltaGenerator.Options.DEFAULTS);
    DeltaSuperblock scratch = gen.generate(Optional.empty(), c1);
    DeltaSuperblock update = gen.generate(Optional.of(c1), c2);

    // two xz parts: the 30 random files (20-49 KB each, and nothing else) in stored chunks, so
    // their part is a little larger than its payload; everything else compressed
    List<Path> scratchParts = parts(src.path().resolve(DeltaName.scratch(c1).directory()));
    assertThat(compressionTypes(scratchParts)).containsOnly((int) DeltaPart.COMPRESSION_XZ);
    assertThat(scratch.parts()).hasSize(2);
    int randomBytes = 30 * 20_000 + 1000 * (29 * 30 / 2);
    int stored = scratch.parts().get(0).objects().size() == 30 ? 0 : 1;
    assertThat(scratch.parts().get(stored).objects()).hasSize(30);
    DeltaPart storedPart = DeltaPart.decode(Files.readAllBytes(scratchParts.get(stored)));
    assertThat(storedPart.blob().length).isEqualTo(randomBytes);
    assertThat(Files.size(scratchParts.get(stored)))
        .isBetween((long) randomBytes, randomBytes + 4_000L);
    DeltaPart packedPart = DeltaPart.decode(Files.readAllBytes(scratchParts.get(1 - stored)));
    assertThat(Files.size(scratchParts.get(1 - stored))).isLessThan(packedPart.blob().length / 4);
    // the update: the modified list as a rolling diff (xz part), the new random file stored
    assertThat(update.parts()).hasSize(2);
    assertThat(update.parts().stream().mapToInt(h -> h.objects().size()).min().getAsInt())
        .isEqualTo(1);
    assertThat(update.fallbacks()).isEmpty();

    OstreeRepo client = OstreeRepo.init(tmp.resolve("client"), RepoMode.BARE_USER);
    assertThat(
            OfflineDelta.apply(client, src.path().resolve(DeltaName.scratch(c1).superblockPath())))
        .isEqualTo(c1);
    assertThat(
            OfflineDelta.apply(client, src.path().resolve(DeltaName.of(c1, c2).superblockPath())))
        .isEqualTo(c2);
    assertThat(client.readCommit(c2).rootTree()).isEqualTo(src.readCommit(c2).rootTree());
    try (Stream<Path> s = Files.list(src.path().resolve("tmp"))) {
      assertThat(s.filter(p -> p.getFileName().toString().startsWith("delta-")).toList()).isEmpty();
    }
  }

  @Test
  void manySmallPartsWrittenConcurrentlyKeepTheirNumbers() throws IOException {
    OstreeRepo src = OstreeRepo.init(tmp.resolve("src"), RepoMode.ARCHIVE);
    Path tree = tmp.resolve("tree");
    mixedTree(tree, 1);
    ObjectId c1 = TreeFixture.commit(src, tree, "os", Optional.empty(), 1_700_000_000L);
    DeltaSuperblock sb =
        new DeltaGenerator(src, DeltaGenerator.Options.DEFAULTS.withMaxPartSize(30_000))
            .generate(Optional.empty(), c1);
    Path dir = src.path().resolve(DeltaName.scratch(c1).directory());
    assertThat(sb.parts().size()).isGreaterThan(20);
    assertThat(parts(dir)).hasSize(sb.parts().size());
    for (int i = 0; i < sb.parts().size(); i++) {
      byte[] f = Files.readAllBytes(dir.resolve(Integer.toString(i)));
      assertThat(ObjectId.sha256(f)).isEqualTo(sb.parts().get(i).checksum());
    }
    OstreeRepo client = OstreeRepo.init(tmp.resolve("client"), RepoMode.BARE_USER);
    assertThat(
            OfflineDelta.apply(client, src.path().resolve(DeltaName.scratch(c1).superblockPath())))
        .isEqualTo(c1);
  }

  @Test
  void inlinePartsOfBothPackingsApply() throws IOException {
    OstreeRepo src = OstreeRepo.init(tmp.resolve("src"), RepoMode.ARCHIVE);
    Path tree = tmp.resolve("tree");
    mixedTree(tree, 1);
    ObjectId c1 = TreeFixture.commit(src, tree, "os", Optional.empty(), 1_700_000_000L);
    DeltaSuperblock sb =
        new DeltaGenerator(
                src, DeltaGenerator.Options.DEFAULTS.withInline(true).withMaxPartSize(200_000))
            .generate(Optional.empty(), c1);
    assertThat(sb.parts().size()).isGreaterThan(2);
    // stored-chunk parts are larger than their blob, compressed ones far smaller
    List<Boolean> storedChunks = new ArrayList<>();
    for (int i = 0; i < sb.parts().size(); i++) {
      byte[] bytes = sb.inlinePart(i).orElseThrow();
      assertThat(bytes[0]).isEqualTo(DeltaPart.COMPRESSION_XZ);
      storedChunks.add(bytes.length > DeltaPart.decode(bytes).blob().length);
    }
    assertThat(storedChunks).contains(true, false);
    OstreeRepo client = OstreeRepo.init(tmp.resolve("client"), RepoMode.BARE_USER);
    assertThat(
            OfflineDelta.apply(client, src.path().resolve(DeltaName.scratch(c1).superblockPath())))
        .isEqualTo(c1);
  }

  @Test
  void incompressibleFilesThatRepeatOneAnotherAreStillCompressed() throws IOException {
    // each file is random (deflate saves nothing) but every second one is its predecessor plus a
    // byte: xz finds the repeats across objects, so their part is compressed after all
    OstreeRepo src = OstreeRepo.init(tmp.resolve("src"), RepoMode.ARCHIVE);
    Path tree = tmp.resolve("tree");
    Files.createDirectories(tree);
    Random r = new Random(3);
    for (int i = 0; i < 20; i++) {
      byte[] b = new byte[40_000];
      r.nextBytes(b);
      Files.write(tree.resolve("a" + i), b);
      Files.write(tree.resolve("b" + i), java.util.Arrays.copyOf(b, b.length + 1));
    }
    ObjectId c1 = TreeFixture.commit(src, tree, "os", Optional.empty(), 1_700_000_000L);
    DeltaSuperblock sb =
        new DeltaGenerator(src, DeltaGenerator.Options.DEFAULTS).generate(Optional.empty(), c1);
    Path dir = src.path().resolve(DeltaName.scratch(c1).directory());
    long files = 0;
    long payload = 0;
    for (int i = 0; i < sb.parts().size(); i++) {
      byte[] bytes = Files.readAllBytes(dir.resolve(Integer.toString(i)));
      files += bytes.length;
      payload += DeltaPart.decode(bytes).blob().length;
    }
    assertThat(payload).isGreaterThan(40 * 40_000);
    assertThat(files).isLessThan(25 * 40_000); // about half: each repeat costs next to nothing
    OstreeRepo client = OstreeRepo.init(tmp.resolve("client"), RepoMode.BARE_USER);
    assertThat(
            OfflineDelta.apply(client, src.path().resolve(DeltaName.scratch(c1).superblockPath())))
        .isEqualTo(c1);
  }
}
