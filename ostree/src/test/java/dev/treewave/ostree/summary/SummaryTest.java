package dev.treewave.ostree.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.delta.DeltaName;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {
  static final ObjectId C =
      ObjectId.parse("eccf0ad6b37f68dd2378b607677610c6b309d8784e8a9376e1470215fbe434d2");

  @Test
  void refsPartOfTheRealSummaryIsReproduced() {
    // §3.6: the first 0x58 bytes of ostree's 266-byte summary for ref "test" → the §2.9 commit
    Map<String, GVariant> m = new LinkedHashMap<>();
    m.put(SummaryRef.TIMESTAMP_KEY, GVariant.u64(Long.reverseBytes(0x5e0be100L)));
    Summary s = new Summary(List.of(new SummaryRef("test", 126, C, m)), Map.of());
    String hex = HexFormat.of().formatHex(s.serialize());
    assertThat(hex)
        .startsWith(
            "74657374000000007e00000000000000"
                + C.hex()
                + HexFormat.of().formatHex("ostree.commit.timestamp\0".getBytes())
                + "000000005e0be100007418232805");
    Summary back = Summary.parse(s.serialize());
    assertThat(back.ref("test").orElseThrow().commit()).isEqualTo(C);
    assertThat(back.ref("test").orElseThrow().timestamp()).contains(0x5e0be100L);
    assertThat(back.ref("test").orElseThrow().commitSize()).isEqualTo(126);
  }

  @Test
  void refsAreSortedByBytesAndUnsortedInputIsRefused() {
    Summary s =
        new Summary(
            List.of(
                new SummaryRef("b", 1, C, Map.of()),
                new SummaryRef("B", 1, C, Map.of()),
                new SummaryRef("a/x", 1, C, Map.of())),
            Map.of());
    assertThat(s.refs().stream().map(SummaryRef::name)).containsExactly("B", "a/x", "b");
    // hand-build an unsorted summary: the parser must refuse it (clients binary-search)
    var ref = GVariantTypeHolder.refType();
    var unsorted =
        GVariant.tuple(
            new GVariant.Arr(ref, List.of(entry("b"), entry("a"))), GVariant.vardict(Map.of()));
    assertThatThrownBy(() -> Summary.parse(unsorted.serialize()))
        .isInstanceOf(GVariantFormatException.class)
        .hasMessageContaining("not sorted");
    assertThatThrownBy(() -> Summary.parse(new byte[] {1, 2, 3}))
        .isInstanceOf(GVariantFormatException.class);
  }

  private static GVariant entry(String name) {
    return GVariant.tuple(
        GVariant.str(name),
        GVariant.tuple(GVariant.u64(1), GVariant.bytes(C.bytes()), GVariant.vardict(Map.of())));
  }

  static final class GVariantTypeHolder {
    static dev.treewave.ostree.gvariant.GVariantType refType() {
      return dev.treewave.ostree.gvariant.GVariantType.parse("(s(taya{sv}))");
    }
  }

  @Test
  void deltaNamesFollowOstree() {
    ObjectId to = ObjectId.parse("405d5330" + "0".repeat(56));
    assertThat(DeltaName.b64(C)).isEqualTo("7M8K1rN_aN0jeLYHZ3YQxrMJ2HhOipN24UcCFfvkNNI");
    assertThat(DeltaName.scratch(C).superblockPath())
        .isEqualTo("deltas/7M/8K1rN_aN0jeLYHZ3YQxrMJ2HhOipN24UcCFfvkNNI/superblock");
    assertThat(DeltaName.of(C, to).directory())
        .startsWith("deltas/7M/8K1rN_aN0jeLYHZ3YQxrMJ2HhOipN24UcCFfvkNNI-QF1TMA");
    assertThat(DeltaName.indexPath(C))
        .isEqualTo("delta-indexes/7M/8K1rN_aN0jeLYHZ3YQxrMJ2HhOipN24UcCFfvkNNI.index");
    assertThat(DeltaName.parse(C.hex() + "-" + to.hex())).isEqualTo(DeltaName.of(C, to));
    assertThat(DeltaName.fromB64(DeltaName.b64(C))).isEqualTo(C);
  }

  @Test
  void aParsedSummaryFindsEveryRefAndRefusesMalformedFramingAsTheStrictParserDid() {
    java.util.List<SummaryRef> refs = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Map<String, GVariant> meta =
          i % 3 == 0 ? Map.of(SummaryRef.VERSION_KEY, GVariant.str("v" + i)) : Map.of();
      refs.add(new SummaryRef("r/" + i, i, ObjectId.sha256(new byte[] {(byte) i}), meta));
    }
    Summary honest = new Summary(refs, Map.of(Summary.MODE_KEY, GVariant.str("archive-z2")));
    byte[] bytes = honest.serialize();
    Summary parsed = Summary.parse(bytes);
    assertThat(parsed).isEqualTo(honest);
    assertThat(parsed.serialize()).isEqualTo(bytes);
    for (SummaryRef r : refs) {
      assertThat(parsed.ref(r.name())).contains(r);
    }
    assertThat(parsed.ref("r/")).isEmpty();
    assertThat(parsed.ref("zzz")).isEmpty();
    assertThat(Summary.parse(new Summary(List.of(), Map.of()).serialize()).refs()).isEmpty();
    // every single-byte corruption is either refused or (padding/offset-neutral) parses to a
    // summary that serialises back to exactly the corrupted bytes: normal form, as before
    java.util.Random rnd = new java.util.Random(17);
    for (int k = 0; k < 100; k++) {
      byte[] bad = bytes.clone();
      int at = rnd.nextInt(bad.length);
      bad[at] ^= (byte) (1 + rnd.nextInt(255));
      try {
        assertThat(Summary.parse(bad).serialize()).isEqualTo(bad);
      } catch (GVariantFormatException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    }
  }
}
