package dev.treewave.ostree.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantType;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code ostree.sizes} parsing and encoding, on entries written by ostree 2022.7. */
class CommitSizesTest {
  private static final HexFormat HEX = HexFormat.of();

  // Three entries of `ostree commit --generate-sizes` (ostree 2022.7, archive repo): a dirtree of
  // 182 bytes, a 100,000-byte file stored as a 100,069-byte .filez (three-byte varints), and a
  // symlink to "a" (unpacked size = target length 1, archived 35).
  static final String DIRTREE =
      "1f7d7760361083e65b4ca010c064b9d79142c7fd33c8959beb3017fd0f5f09e1" + "b601b60102";
  static final String BIG_FILE =
      "34f41e0bcd2ab61d992e1c65f3859db13b7b517c7a897fccd6f984d92129fdb6" + "e58d06a08d0601";
  static final String SYMLINK =
      "438802d990f25270d36f902bc9ce9d0737b88f9ae0b41ed59ec9e47c28523e0a" + "230101";
  static final String DIRMETA =
      "446a0ef11b7cc167f3b603e585c7eeeeb675faa412d5ec73f62988eb0b6c5488" + "0c0c03";

  static Map<String, GVariant> metadataWith(String... hexEntries) {
    Map<String, GVariant> md = new LinkedHashMap<>();
    md.put("version", GVariant.str("1"));
    md.put(
        CommitSizes.METADATA_KEY,
        new GVariant.Arr(
            GVariantType.parse("ay"),
            java.util.Arrays.stream(hexEntries)
                .map(h -> (GVariant) GVariant.bytes(HEX.parseHex(h)))
                .toList()));
    return md;
  }

  @Test
  void readsTheEntriesOstreeWrites() {
    CommitSizes sizes =
        CommitSizes.fromCommitMetadata(metadataWith(DIRTREE, BIG_FILE, SYMLINK, DIRMETA))
            .orElseThrow();
    assertThat(sizes.entries())
        .containsExactly(
            new CommitSizes.Entry(
                ObjectId.parse(DIRTREE.substring(0, 64)), 182, 182, ObjectType.DIR_TREE),
            new CommitSizes.Entry(
                ObjectId.parse(BIG_FILE.substring(0, 64)), 100_069, 100_000, ObjectType.FILE),
            new CommitSizes.Entry(ObjectId.parse(SYMLINK.substring(0, 64)), 35, 1, ObjectType.FILE),
            new CommitSizes.Entry(
                ObjectId.parse(DIRMETA.substring(0, 64)), 12, 12, ObjectType.DIR_META));
    assertThat(sizes.totalUnpacked()).isEqualTo(182 + 100_000 + 1 + 12);
    assertThat(sizes.totalArchived()).isEqualTo(182 + 100_069 + 35 + 12);
  }

  @Test
  void encodesByteForByteAndSortsByChecksum() {
    CommitSizes sizes =
        CommitSizes.fromCommitMetadata(metadataWith(DIRTREE, BIG_FILE, SYMLINK, DIRMETA))
            .orElseThrow();
    CommitSizes rebuilt =
        new CommitSizes(
            List.of(
                sizes.entries().get(3),
                sizes.entries().get(0),
                sizes.entries().get(2),
                sizes.entries().get(1)));
    assertThat(rebuilt.toVariant().serialize())
        .isEqualTo(
            metadataWith(DIRTREE, BIG_FILE, SYMLINK, DIRMETA).get("ostree.sizes").serialize());
  }

  @Test
  void sumsOnlyWhatIsMissing() {
    CommitSizes sizes =
        CommitSizes.fromCommitMetadata(metadataWith(DIRTREE, BIG_FILE, SYMLINK, DIRMETA))
            .orElseThrow();
    Set<ObjectId> present =
        Set.of(ObjectId.parse(BIG_FILE.substring(0, 64)), ObjectId.parse(DIRMETA.substring(0, 64)));
    CommitSizes.Totals missing = sizes.missing(e -> present.contains(e.id()));
    assertThat(missing).isEqualTo(new CommitSizes.Totals(2, 182 + 35, 182 + 1));
    assertThat(sizes.find(ObjectId.parse(SYMLINK.substring(0, 64))).orElseThrow().archivedSize())
        .isEqualTo(35);
    assertThat(sizes.find(ObjectId.sha256(new byte[0]))).isEmpty();
  }

  @Test
  void entriesWithoutATypeByteAreFilesAsInOlderOstree() {
    String old = BIG_FILE.substring(0, BIG_FILE.length() - 2);
    CommitSizes sizes = CommitSizes.fromCommitMetadata(metadataWith(old)).orElseThrow();
    assertThat(sizes.entries().get(0).type()).isEqualTo(ObjectType.FILE);
    assertThat(sizes.entries().get(0).unpackedSize()).isEqualTo(100_000);
  }

  @Test
  void absentKeyIsEmpty() {
    assertThat(CommitSizes.fromCommitMetadata(Map.of("version", GVariant.str("1")))).isEmpty();
  }

  @Test
  void malformedEntriesAreClearErrors() {
    String csum = DIRTREE.substring(0, 64);
    assertInvalid("is too short", csum.substring(0, 40));
    assertInvalid("archived size: truncated varint", csum + "b6b6");
    assertInvalid("unpacked size: truncated varint", csum + "b601b6");
    assertInvalid("invalid object type 0", csum + "010100");
    assertInvalid("invalid object type 8", csum + "010108");
    assertInvalid("1 unexpected bytes after the object type", csum + "01010200");
    assertInvalid("varint overflows 64 bits", csum + "ffffffffffffffffff7f" + "0101");
    assertInvalid("does not fit", csum + "ffffffffffffffffff01" + "0101");
    assertInvalid("duplicate sizes entry", DIRTREE, DIRTREE);
    Map<String, GVariant> wrongType =
        Map.of(
            CommitSizes.METADATA_KEY,
            new GVariant.Arr(GVariantType.STRING, List.of(GVariant.str("x"))));
    assertThatThrownBy(() -> CommitSizes.fromCommitMetadata(wrongType))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageContaining("ostree.sizes has type as, expected aay");
  }

  private static void assertInvalid(String message, String... entries) {
    assertThatThrownBy(() -> CommitSizes.fromCommitMetadata(metadataWith(entries)))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageContaining(message);
  }
}
