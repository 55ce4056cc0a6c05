package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.ContentObjects;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OstreeRepoTest {
  static final HexFormat HEX = HexFormat.of();
  @TempDir Path tmp;

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void initWritesOstreeConfigAndLayout() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.ARCHIVE);
    assertThat(Files.readString(tmp.resolve("r/config")))
        .isEqualTo("[core]\nrepo_version=1\nmode=archive-z2\n");
    for (String d :
        List.of("objects", "refs/heads", "refs/remotes", "refs/mirrors", "tmp", "state")) {
      assertThat(tmp.resolve("r").resolve(d)).isDirectory();
    }
    assertThat(OstreeRepo.open(tmp.resolve("r")).mode()).isEqualTo(RepoMode.ARCHIVE);
    assertThat(repo.mode().isBare()).isFalse();
    assertThatThrownBy(() -> OstreeRepo.open(tmp.resolve("none")))
        .hasMessageContaining("No OSTree repository");
  }

  @Test
  void archiveContentObjectsMatchTheReferenceBytes() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.ARCHIVE);
    FileHeader file = FileHeader.regular(0, 0, 0644, List.of());
    byte[] hello = utf8("hello\n");
    ObjectId id = repo.writeContent(file, new ByteArrayInputStream(hello), hello.length);
    assertThat(id.hex())
        .isEqualTo("44f778e59f0a4748d6b0c90a47347212a231c4ad1e8f7ea5c5dffc7749153a6b");
    assertThat(HEX.formatHex(Files.readAllBytes(repo.objectPath(ObjectType.FILE, id))))
        .isEqualTo(
            "0000001a0000000000000000000000060000000000000000000081a4000000000019cb48cdc9c9e70200");
    assertThat(repo.objectPath(ObjectType.FILE, id).toString()).endsWith(".filez");

    ObjectId link = repo.writeContent(FileHeader.symlink(0, 0, "hello.txt", List.of()), null, 0);
    assertThat(HEX.formatHex(Files.readAllBytes(repo.objectPath(ObjectType.FILE, link))))
        .isEqualTo(
            "0000002300000000000000000000000000000000000000000000a1ff0000000068656c6c6f2e7478740022");

    try (ContentObject c = repo.openContent(id)) {
      assertThat(c.header()).isEqualTo(file);
      assertThat(c.content().readAllBytes()).isEqualTo(hello);
    }
    repo.verifyContent(id);
    repo.verifyContent(link);
  }

  @Test
  void bareUserRoundTripsFilesAndSymlinks() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.BARE_USER);
    FileHeader suid = FileHeader.regular(1000, 100, 04755, List.of());
    byte[] data = utf8("A");
    ObjectId id = repo.writeContent(suid, new ByteArrayInputStream(data), 1);
    assertThat(id).isEqualTo(ContentObjects.checksum(suid, data));
    Path p = repo.objectPath(ObjectType.FILE, id);
    assertThat(FileAttributes.stat(p).mode() & 07777).isEqualTo(0755);
    assertThat(Files.getLastModifiedTime(p).toMillis()).isZero();
    assertThat(HEX.formatHex(FileAttributes.readUserXattr(p, "ostreemeta")))
        .isEqualTo("000003e800000064000089ed");
    ObjectId link = repo.writeContent(FileHeader.symlink(0, 0, "hello.txt", List.of()), null, 0);
    Path lp = repo.objectPath(ObjectType.FILE, link);
    assertThat(Files.isRegularFile(lp, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.readAllBytes(lp)).isEqualTo(utf8("hello.txt\0"));
    try (ContentObject c = repo.openContent(id)) {
      assertThat(c.header()).isEqualTo(suid);
    }
    repo.verifyContent(link);
  }

  @Test
  void wrongChecksumWritesNothing() {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.ARCHIVE);
    ObjectId claimed = ObjectId.sha256(utf8("something else"));
    byte[] data = utf8("evil");
    assertThatThrownBy(
            () ->
                repo.inTransaction(
                    tx ->
                        tx.writeContent(
                            claimed,
                            FileHeader.regular(0, 0, 0644, List.of()),
                            new ByteArrayInputStream(data),
                            data.length)))
        .isInstanceOf(CorruptObjectException.class);
    assertThat(repo.hasObject(ObjectType.FILE, claimed)).isFalse();
    assertThat(repo.listObjects(ObjectType.FILE)).isEmpty();
    assertThatThrownBy(
            () ->
                repo.inTransaction(
                    tx -> tx.writeMetadata(ObjectType.DIR_TREE, claimed, new byte[] {0})))
        .isInstanceOf(CorruptObjectException.class);
    assertThatThrownBy(() -> repo.writeMetadata(ObjectType.DIR_META, new byte[] {1, 2, 3}))
        .isInstanceOf(CorruptObjectException.class);
    assertThat(repo.listObjects(ObjectType.DIR_META)).isEmpty();
  }

  @Test
  void corruptStoredMetadataIsDetectedOnRead() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.BARE_USER);
    ObjectId id = repo.writeMetadata(ObjectType.DIR_TREE, new byte[] {0});
    assertThat(repo.readDirTree(id).files()).isEmpty();
    Files.write(repo.objectPath(ObjectType.DIR_TREE, id), new byte[] {0, 0});
    assertThatThrownBy(() -> repo.readDirTree(id)).isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void refsAndRevisions() {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.ARCHIVE);
    ObjectId a = ObjectId.sha256(utf8("a"));
    repo.refs().write("os/stable", a);
    repo.refs().write("origin:os/testing", a);
    assertThat(repo.refs().list()).containsOnlyKeys("os/stable", "origin:os/testing");
    assertThat(repo.resolveRev("os/stable")).isEqualTo(a);
    assertThat(repo.resolveRev("origin:os/testing")).isEqualTo(a);
    assertThat(repo.resolveRev(a.hex())).isEqualTo(a);
    assertThat(repo.refs().delete("os/stable")).isTrue();
    assertThat(repo.resolveRevOptional("os/stable")).isEmpty();
    assertThatThrownBy(() -> repo.resolveRev("nope")).hasMessageContaining("not found");
    assertThatThrownBy(() -> repo.refs().write("../evil", a)).hasMessageContaining("Invalid ref");
  }
}
