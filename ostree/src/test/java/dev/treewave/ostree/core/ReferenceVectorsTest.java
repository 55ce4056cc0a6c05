package dev.treewave.ostree.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The byte-exact vectors of ostree-format.md §2.9 and Appendix A (verified with ostree 2022.7). */
class ReferenceVectorsTest {
  static final HexFormat HEX = HexFormat.of();

  static final ObjectId HELLO =
      ObjectId.parse("44f778e59f0a4748d6b0c90a47347212a231c4ad1e8f7ea5c5dffc7749153a6b");
  static final ObjectId A =
      ObjectId.parse("880e22749661efe8d3db30b9de217c5acc8942beecfc92ea5ce2e682325e7382");
  static final ObjectId LINK =
      ObjectId.parse("f66efa496a72379413c44593de510dc344beb045294f1a543da87b2b6118db35");
  static final ObjectId DIRMETA =
      ObjectId.parse("446a0ef11b7cc167f3b603e585c7eeeeb675faa412d5ec73f62988eb0b6c5488");
  static final ObjectId SUB_TREE =
      ObjectId.parse("3c87445433e6d793dd14f187f4147c79b8fe73783bc37712a9860ea8f966a4af");
  static final ObjectId ROOT_TREE =
      ObjectId.parse("b908e5b0185ddae03b6b1d593a055f55986f7844d53a86ee3e1b10c1f6f920ce");
  static final String COMMIT_HEX =
      "6f73747265652e7265662d62696e64696e6700000000000074657374000500617313225375626a65637400426f647900"
          + "000000005e0be100b908e5b0185ddae03b6b1d593a055f55986f7844d53a86ee3e1b10c1f6f920ce446a0ef11b7cc167"
          + "f3b603e585c7eeeeb675faa412d5ec73f62988eb0b6c548858302b232323";

  @Test
  void contentChecksumsOfFilesAndSymlinks() {
    FileHeader file = FileHeader.regular(0, 0, 0644, List.of());
    assertThat(HEX.formatHex(file.canonicalPrefix()))
        .isEqualTo("0000001200000000" + "00000000000000000000" + "81a4000000000011");
    assertThat(ContentObjects.checksum(file, "hello\n".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(HELLO);
    assertThat(ContentObjects.checksum(file, "A".getBytes(StandardCharsets.UTF_8))).isEqualTo(A);
    FileHeader link = FileHeader.symlink(0, 0, "hello.txt", List.of());
    assertThat(HEX.formatHex(link.canonicalPrefix()))
        .isEqualTo("0000001b00000000000000000000000000" + "00a1ff0000000068656c6c6f2e747874001a");
    assertThat(ContentObjects.symlinkChecksum(link)).isEqualTo(LINK);
  }

  @Test
  void fileWithXattrs() {
    FileHeader h =
        FileHeader.regular(
            0,
            0,
            0644,
            List.of(
                new Xattr("user.b", "2".getBytes(StandardCharsets.UTF_8)),
                new Xattr("user.a", "hello".getBytes(StandardCharsets.UTF_8))));
    assertThat(ContentObjects.checksum(h, "x".getBytes(StandardCharsets.UTF_8)).hex())
        .isEqualTo("2b89bcdcc82c9f01c6f216e75f77f6f6d5e94a000d9494b20c3da9da80f31293")
        .as("sorted xattrs, names with NUL");
  }

  @Test
  void dirMeta() {
    DirMeta m = DirMeta.directory(0, 0, 0755, List.of());
    assertThat(HEX.formatHex(m.serialize())).isEqualTo("0000000000000000000041ed");
    assertThat(m.id()).isEqualTo(DIRMETA);
    DirMeta x = DirMeta.directory(0, 0, 0755, List.of(new Xattr("user.dir", new byte[] {'D'})));
    assertThat(HEX.formatHex(x.serialize()))
        .isEqualTo("0000000000000000000041ed757365722e64697200440" + "90b");
    assertThat(x.id().hex())
        .isEqualTo("2c970078b80dc8d4897c8d2acd0d00cad389e69c140f4b7239109f40793d4a42");
    assertThat(DirMeta.parse(x.serialize())).isEqualTo(x);
  }

  @Test
  void dirTrees() {
    assertThat(new DirTree(List.of(), List.of()).serialize()).containsExactly(0);
    assertThat(new DirTree(List.of(), List.of()).id()).isEqualTo(DirTree.EMPTY_ID);
    DirTree sub = new DirTree(List.of(new DirTree.FileEntry("a", A)), List.of());
    assertThat(HEX.formatHex(sub.serialize()))
        .isEqualTo("6100880e22749661efe8d3db30b9de217c5acc8942beecfc92ea5ce2e682325e7382022324");
    assertThat(sub.id()).isEqualTo(SUB_TREE);
    DirTree root =
        DirTree.of(
            List.of(new DirTree.FileEntry("link", LINK), new DirTree.FileEntry("hello.txt", HELLO)),
            List.of(new DirTree.DirEntry("sub", SUB_TREE, DIRMETA)));
    assertThat(root.serialize()).hasSize(155);
    assertThat(root.id()).isEqualTo(ROOT_TREE);
    assertThat(DirTree.parse(root.serialize())).isEqualTo(root);
  }

  @Test
  void commit() {
    Map<String, GVariant> md = new LinkedHashMap<>();
    md.put(
        "ostree.ref-binding",
        new GVariant.Arr(
            dev.treewave.ostree.gvariant.GVariantType.STRING, List.of(GVariant.str("test"))));
    Commit c = new Commit(md, Optional.empty(), "Subject", "Body", 1577836800L, ROOT_TREE, DIRMETA);
    assertThat(HEX.formatHex(c.serialize())).isEqualTo(COMMIT_HEX);
    assertThat(c.id().hex())
        .isEqualTo("eccf0ad6b37f68dd2378b607677610c6b309d8784e8a9376e1470215fbe434d2");
    assertThat(c.contentChecksum().hex())
        .isEqualTo("78251bc7c93fc6f463665f690cf4eedb852db7c64a4e695b57d575f0d167a822");
    Commit back = Commit.parse(HEX.parseHex(COMMIT_HEX));
    assertThat(back).isEqualTo(c);
    assertThat(back.timestamp()).isEqualTo(1577836800L);
  }

  @Test
  void hostileDirTreesAreRefused() {
    for (String bad : List.of("", ".", "..", "a/b", "x\0y")) {
      assertThatThrownBy(() -> new DirTree(List.of(new DirTree.FileEntry(bad, A)), List.of()))
          .isInstanceOf(InvalidObjectException.class);
    }
    assertThatThrownBy(
            () ->
                new DirTree(
                    List.of(new DirTree.FileEntry("b", A), new DirTree.FileEntry("a", A)),
                    List.of()))
        .hasMessageContaining("not sorted");
    assertThatThrownBy(
            () ->
                new DirTree(
                    List.of(new DirTree.FileEntry("a", A)),
                    List.of(new DirTree.DirEntry("a", SUB_TREE, DIRMETA))))
        .hasMessageContaining("both named");
    // A serialised dirtree naming ".." must not parse.
    byte[] evil =
        new DirTree(List.of(new DirTree.FileEntry("xx", A)), List.of()).serialize().clone();
    evil[0] = '.';
    evil[1] = '.';
    assertThatThrownBy(() -> DirTree.parse(evil)).isInstanceOf(GVariantFormatException.class);
  }

  @Test
  void nonNormalFormIsRefused() {
    byte[] bytes = HEX.parseHex(COMMIT_HEX);
    bytes[0x13] = 1; // a padding byte
    assertThatThrownBy(() -> Commit.parse(bytes)).hasMessageContaining("Not normal form");
    byte[] trailing = java.util.Arrays.copyOf(HEX.parseHex("0000000000000000000041ed"), 13);
    assertThatThrownBy(() -> DirMeta.parse(trailing)).isInstanceOf(GVariantFormatException.class);
  }

  @Test
  void objectIdsAreStrict() {
    assertThat(ObjectId.isValid(HELLO.hex())).isTrue();
    assertThat(ObjectId.isValid(HELLO.hex().toUpperCase())).isFalse();
    assertThatThrownBy(() -> ObjectId.parse("abc")).isInstanceOf(IllegalArgumentException.class);
  }
}
