package dev.treewave.ostree.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.checkout.Checkout;
import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.fsck.Fsck;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantType;
import dev.treewave.ostree.repo.ArchiveFormat;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.CorruptObjectException;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects built by hand to attack a reader: path traversal names, duplicates, wrong hashes, absurd
 * sizes. They are refused, nothing is written, and fsck names them. The real ostree agrees that the
 * corrupted repository is corrupt.
 */
class HostileObjectsIT {
  @TempDir Path tmp;
  final OstreeCliRunner ostree = new OstreeCliRunner();

  private static final GVariantType FILE_ENTRY = GVariantType.parse("(say)");
  private static final GVariantType DIR_ENTRY = GVariantType.parse("(sayay)");

  /** A dirtree serialised without DirTree's validation, so any names can be planted. */
  static byte[] rawDirTree(List<String[]> files, List<String[]> dirs) {
    List<GVariant> f =
        files.stream()
            .map(
                e ->
                    (GVariant)
                        GVariant.tuple(
                            GVariant.str(e[0]), GVariant.bytes(ObjectId.parse(e[1]).bytes())))
            .toList();
    List<GVariant> d =
        dirs.stream()
            .map(
                e ->
                    (GVariant)
                        GVariant.tuple(
                            GVariant.str(e[0]),
                            GVariant.bytes(ObjectId.parse(e[1]).bytes()),
                            GVariant.bytes(ObjectId.parse(e[2]).bytes())))
            .toList();
    return GVariant.tuple(new GVariant.Arr(FILE_ENTRY, f), new GVariant.Arr(DIR_ENTRY, d))
        .serialize();
  }

  /** Plants a metadata object directly under its (correct) name, as a hostile server could. */
  static ObjectId plant(OstreeRepo repo, ObjectType type, byte[] bytes) throws Exception {
    ObjectId id = ObjectId.sha256(bytes);
    Path p = repo.objectPath(type, id);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    return id;
  }

  static ObjectId plantCommit(OstreeRepo repo, ObjectId rootTree) throws Exception {
    ObjectId meta =
        plant(repo, ObjectType.DIR_META, DirMeta.directory(0, 0, 0755, List.of()).serialize());
    Commit c = new Commit(Map.of(), Optional.empty(), "evil", "", 0, rootTree, meta);
    return plant(repo, ObjectType.COMMIT, c.serialize());
  }

  @Test
  void traversalNamesInDirtreesAreRefusedAndNothingIsWritten() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("repo"), RepoMode.BARE_USER);
    byte[] content = "pwned".getBytes(StandardCharsets.UTF_8);
    ObjectId file =
        repo.writeContent(
            FileHeader.regular(0, 0, 0644, List.of()),
            new ByteArrayInputStream(content),
            content.length);
    ObjectId meta =
        repo.writeMetadata(
            ObjectType.DIR_META, DirMeta.directory(0, 0, 0755, List.of()).serialize());
    for (String evil : List.of("..", ".", "", "a/b", "../../etc/passwd")) {
      byte[] tree = rawDirTree(List.<String[]>of(new String[] {evil, file.hex()}), List.of());
      // A pull (or any writer) refuses to store it ...
      assertThatThrownBy(() -> repo.writeMetadata(ObjectType.DIR_TREE, tree))
          .isInstanceOf(CorruptObjectException.class)
          .hasMessageContaining("invalid file name");
      // ... and if planted on disk, checkout refuses it and creates nothing.
      ObjectId commit = plantCommit(repo, plant(repo, ObjectType.DIR_TREE, tree));
      Path target = tmp.resolve("co-" + Math.abs(evil.hashCode()));
      assertThatThrownBy(() -> new Checkout(repo, CheckoutOptions.user()).checkout(commit, target))
          .isInstanceOf(OstreeException.class);
      assertThat(target).doesNotExist();
    }
    // A dirtree naming the same entry as a file and as a directory, or unsorted entries.
    ObjectId emptyTree = repo.writeMetadata(ObjectType.DIR_TREE, new byte[] {0});
    byte[] dup =
        rawDirTree(
            List.<String[]>of(new String[] {"x", file.hex()}),
            List.<String[]>of(new String[] {"x", emptyTree.hex(), meta.hex()}));
    byte[] unsorted =
        rawDirTree(
            List.of(new String[] {"b", file.hex()}, new String[] {"a", file.hex()}), List.of());
    for (byte[] bad : List.of(dup, unsorted)) {
      assertThatThrownBy(() -> repo.writeMetadata(ObjectType.DIR_TREE, bad))
          .isInstanceOf(CorruptObjectException.class);
    }
    assertThat(tmp.resolve("etc")).doesNotExist();
    Fsck.Report report = new Fsck(repo).run();
    assertThat(report.ok()).isFalse();
    assertThat(String.join("\n", report.errors())).contains("invalid file name");
  }

  @Test
  void unionCheckoutDoesNotFollowASymlinkPlantedInTheTarget() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/sub"));
    Files.writeString(src.resolve("x"), "payload");
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("repo"), RepoMode.BARE_USER);
    ObjectId id =
        new dev.treewave.ostree.commit.TreeCommitter(
                repo,
                dev.treewave.ostree.commit.CommitOptions.builder()
                    .branch("t")
                    .tree(tmp.resolve("src"))
                    .build())
            .commit()
            .commit();
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path target = Files.createDirectories(tmp.resolve("target"));
    Files.createSymbolicLink(target.resolve("sub"), outside);
    assertThatThrownBy(
            () -> new Checkout(repo, CheckoutOptions.user().withUnion(true)).checkout(id, target))
        .isInstanceOf(OstreeException.class)
        .hasMessageContaining("not a directory");
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s).isEmpty();
    }
    assertThatThrownBy(
            () ->
                new Checkout(repo, CheckoutOptions.user().withSubpath("/../.."))
                    .checkout(id, tmp.resolve("t2")))
        .isInstanceOf(OstreeException.class);
  }

  @Test
  void corruptedContentIsReportedByNameByUsAndByOstree() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "original content");
    Files.writeString(src.resolve("b"), "other");
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("repo"), RepoMode.ARCHIVE);
    new dev.treewave.ostree.commit.TreeCommitter(
            repo, dev.treewave.ostree.commit.CommitOptions.builder().branch("t").tree(src).build())
        .commit();
    assertThat(new Fsck(repo).run().ok()).isTrue();

    ObjectId victim =
        dev.treewave.ostree.core.ContentObjects.checksum(
            FileHeader.regular(0, 0, 0644, List.of()),
            "original content".getBytes(StandardCharsets.UTF_8));
    Path p = repo.objectPath(ObjectType.FILE, victim);
    assertThat(p).exists();
    // Same header, different payload: a valid .filez that hashes to something else.
    Path tmpRepo = tmp.resolve("other");
    OstreeRepo other = OstreeRepo.init(tmpRepo, RepoMode.ARCHIVE);
    byte[] evil = "tampered content".getBytes(StandardCharsets.UTF_8);
    ObjectId evilId =
        other.writeContent(
            FileHeader.regular(0, 0, 0644, List.of()), new ByteArrayInputStream(evil), evil.length);
    Files.copy(
        other.objectPath(ObjectType.FILE, evilId),
        p,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    Fsck.Report r = new Fsck(repo).run();
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0)).contains(victim.hex());
    assertThat(ostree.run(tmp, "fsck", "--repo=" + repo.path()).exitCode()).isNotZero();
    int code =
        dev.treewave.ostree.cli.OstreeCli.run(
            new String[] {"fsck", "--repo=" + repo.path()},
            new java.io.PrintWriter(new ByteArrayOutputStream(), true),
            new java.io.PrintWriter(new ByteArrayOutputStream(), true));
    assertThat(code).isEqualTo(1);
  }

  @Test
  void absurdSizesAndWrongChecksumsInArchiveStreamsWriteNothing() throws Exception {
    // header length 0x7fffffff: refused before allocating anything
    byte[] hugeHeader = ByteBuffer.allocate(16).putInt(0x7fffffff).putInt(0).array();
    assertThatThrownBy(() -> ArchiveFormat.read(new ByteArrayInputStream(hugeHeader)))
        .hasMessageContaining("header length");

    // A .filez that claims 1 TiB of payload but carries 5 bytes.
    OstreeRepo src = OstreeRepo.init(tmp.resolve("src"), RepoMode.ARCHIVE);
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    FileHeader h = FileHeader.regular(0, 0, 0644, List.of());
    ObjectId id = src.writeContent(h, new ByteArrayInputStream(data), data.length);
    byte[] filez = Files.readAllBytes(src.objectPath(ObjectType.FILE, id));
    ByteBuffer.wrap(filez).putLong(8, Long.reverseBytes(Long.reverseBytes(1L << 40)));
    byte[] lying = filez.clone();
    ByteBuffer.wrap(lying, 8, 8).putLong(1L << 40);

    OstreeRepo dest = OstreeRepo.init(tmp.resolve("dest"), RepoMode.BARE_USER);
    for (RepoMode ignored : List.of(RepoMode.BARE_USER)) {
      try (ContentObject c = ArchiveFormat.read(new ByteArrayInputStream(lying))) {
        assertThat(c.size()).isEqualTo(1L << 40);
        assertThatThrownBy(
                () ->
                    dest.inTransaction(
                        tx -> tx.writeContent(id, c.header(), c.content(), c.size())))
            .isInstanceOf(OstreeException.class);
      }
    }
    // Right bytes under the wrong name.
    ObjectId wrong = ObjectId.sha256(data);
    try (ContentObject c =
        ArchiveFormat.read(
            new ByteArrayInputStream(Files.readAllBytes(src.objectPath(ObjectType.FILE, id))))) {
      assertThatThrownBy(
              () ->
                  dest.inTransaction(
                      tx -> tx.writeContent(wrong, c.header(), c.content(), c.size())))
          .isInstanceOf(CorruptObjectException.class);
    }
    assertThat(dest.listObjects(ObjectType.FILE)).isEmpty();
    try (Stream<Path> s = Files.list(dest.path().resolve("tmp"))) {
      assertThat(s.filter(x -> x.getFileName().toString().startsWith("staging-"))).isEmpty();
    }
  }
}
