package dev.treewave.ostree.gvariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GVariantTest {
  static final HexFormat HEX = HexFormat.of();

  @Test
  void maybeValuesAsGlibWritesThem() {
    GVariant justStr = new GVariant.Maybe(GVariantType.STRING, GVariant.str("hi"));
    assertThat(HEX.formatHex(justStr.serialize())).isEqualTo("68690000");
    GVariant justU = new GVariant.Maybe(GVariantType.UINT32, GVariant.u32(5));
    assertThat(HEX.formatHex(justU.serialize())).isEqualTo("05000000");
    assertThat(GVariantParser.parse("ms", justStr.serialize())).isEqualTo(justStr);
    assertThat(GVariantParser.parse("mu", new byte[0]))
        .isEqualTo(new GVariant.Maybe(GVariantType.UINT32, null));
  }

  @Test
  void vardictRoundTripKeepsOrder() {
    Map<String, GVariant> m = new LinkedHashMap<>();
    m.put("z", GVariant.str("last-first"));
    m.put("a", new GVariant.I64(-2));
    m.put("b", new GVariant.Bool(true));
    m.put("t", GVariant.tuple(GVariant.u32(1), GVariant.str("x")));
    byte[] bytes = GVariant.vardict(m).serialize();
    Map<String, GVariant> back = GVariant.asVardict(GVariantParser.parse("a{sv}", bytes));
    assertThat(back.keySet()).containsExactly("z", "a", "b", "t");
    assertThat(back).isEqualTo(m);
  }

  @Test
  void largeContainersUseWiderOffsets() {
    List<GVariant> many = new java.util.ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      many.add(GVariant.str("entry-" + i));
    }
    GVariant arr = new GVariant.Arr(GVariantType.STRING, many);
    byte[] b = arr.serialize();
    assertThat(GVariantParser.parse("as", b)).isEqualTo(arr);
  }

  @Test
  void malformedInputIsRejected() {
    assertThatThrownBy(() -> GVariantParser.parse("s", new byte[] {'a'}))
        .isInstanceOf(GVariantFormatException.class);
    assertThatThrownBy(() -> GVariantParser.parse("s", new byte[] {'a', 0, 'b', 0}))
        .isInstanceOf(GVariantFormatException.class);
    assertThatThrownBy(() -> GVariantParser.parse("u", new byte[] {1, 2, 3}))
        .isInstanceOf(GVariantFormatException.class);
    assertThatThrownBy(() -> GVariantParser.parse("b", new byte[] {2}))
        .isInstanceOf(GVariantFormatException.class);
    assertThatThrownBy(() -> GVariantParser.parse("as", new byte[] {'a', 0, 9}))
        .isInstanceOf(GVariantFormatException.class);
    assertThatThrownBy(() -> GVariantParser.parse("v", new byte[] {1, 0, 'q', 'z'}))
        .isInstanceOf(GVariantFormatException.class);
    // non-minimal offset width: "as" ["a"] with a 2-byte offset
    assertThatThrownBy(() -> GVariantParser.parse("as", new byte[] {'a', 0, 2, 0}))
        .isInstanceOf(GVariantFormatException.class);
  }

  @Test
  void typeStrings() {
    assertThat(GVariantType.parse("(a{sv}aya(say)sstayay)").signature())
        .isEqualTo("(a{sv}aya(say)sstayay)");
    assertThat(GVariantType.parse("(uuu)").fixedSize()).isEqualTo(12);
    assertThat(GVariantType.parse("(ty)").fixedSize()).isEqualTo(16);
    assertThatThrownBy(() -> GVariantType.parse("(u")).isInstanceOf(GVariantFormatException.class);
    assertThatThrownBy(() -> GVariantType.parse("h")).isInstanceOf(GVariantFormatException.class);
  }

  @Test
  void typesAreEqualExactlyWhenTheirSignaturesAre() {
    List<String> signatures =
        List.of("y", "s", "v", "ay", "as", "may", "ms", "(uuua(ayay))", "(uuua(ayas))", "a{sv}");
    for (String a : signatures) {
      for (String b : signatures) {
        GVariantType ta = GVariantType.parse(a);
        GVariantType tb = GVariantType.parse(b);
        assertThat(ta.equals(tb)).as(a + " vs " + b).isEqualTo(a.equals(b));
        if (a.equals(b)) {
          assertThat(ta.hashCode()).isEqualTo(tb.hashCode());
        }
      }
    }
    // a dict entry and a two-member struct differ only in dictEntry
    assertThat(GVariantType.parse("a{sv}")).isNotEqualTo(GVariantType.parse("a(sv)"));
    assertThat(GVariantType.BYTESTRING).isEqualTo(GVariantType.parse("ay"));
  }

  @Test
  void typeStringsNestedDeeperThanGlibsLimitAreRefusedWithoutRecursingThroughThem() {
    assertThat(GVariantType.parse("a".repeat(127) + "y").signature()).hasSize(128);
    for (String deep :
        List.of(
            "a".repeat(128) + "y",
            "m".repeat(300_000) + "s",
            "(".repeat(300_000) + ")".repeat(300_000),
            "a{s".repeat(100_000) + "}".repeat(100_000))) {
      assertThatThrownBy(() -> GVariantType.parse(deep))
          .isInstanceOf(GVariantFormatException.class)
          .hasMessageContaining("nested deeper than 128")
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }
  }

  @Test
  void aVariantsTypeOnlyGetsTheDepthItsValueHasLeft() {
    // v inside v inside ... : each variant level uses one level of GLib's 128
    GVariant nested = GVariant.str("x");
    for (int i = 0; i < 200; i++) {
      nested = new GVariant.Var(nested);
      if (i == 100) {
        assertThat(GVariantParser.parse("v", nested.serialize())).isEqualTo(nested);
      }
    }
    final byte[] deep = nested.serialize();
    assertThatThrownBy(() -> GVariantParser.parse("v", deep))
        .isInstanceOf(GVariantFormatException.class)
        .hasMessageContaining("nested deeper than 128");
    // a value of type a^120 y inside a variant 20 levels down: 140 > 128
    byte[] arr = new byte[0];
    String t = "a".repeat(120) + "y";
    byte[] v = new byte[arr.length + 1 + t.length()];
    System.arraycopy(t.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, v, 1, t.length());
    assertThat(GVariantParser.parse("v", v)).isNotNull();
    GVariant wrapped = GVariantParser.parse("v", v);
    for (int i = 0; i < 20; i++) {
      wrapped = new GVariant.Var(wrapped);
    }
    final byte[] w = wrapped.serialize();
    assertThatThrownBy(() -> GVariantParser.parse("v", w))
        .isInstanceOf(GVariantFormatException.class)
        .hasMessageContaining("nested deeper than 128");
  }
}
