package dev.treewave.ostree.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantParser;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The hand framing of {@link RawGVariant} equals the library's serialiser on ordinary values. */
class RawGVariantTest {
  @Test
  void aVardictWithAnEmptyArrayMatchesTheSerialiser() {
    byte[] raw = RawGVariant.vardictWithEmptyValueOfType("x", "aay");
    GVariant parsed = GVariantParser.parse("a{sv}", raw);
    assertThat(GVariant.asVardict(parsed)).containsOnlyKeys("x");
  }

  @Test
  void aCommitFramedByHandEqualsCommitSerialize() {
    ObjectId a = ObjectId.sha256(new byte[] {1});
    ObjectId b = ObjectId.sha256(new byte[] {2});
    byte[] meta =
        GVariantParser.parse("a{sv}", RawGVariant.vardictWithEmptyValueOfType("x", "as"))
            .serialize();
    Commit c =
        Commit.parse(
            RawGVariant.struct(
                List.of(
                    RawGVariant.Part.of(meta, 8),
                    RawGVariant.Part.of(new byte[0], 1),
                    RawGVariant.Part.of(new byte[0], 1),
                    RawGVariant.Part.of(RawGVariant.str("hostile"), 1),
                    RawGVariant.Part.of(RawGVariant.str(""), 1),
                    new RawGVariant.Part(
                        java.nio.ByteBuffer.allocate(8).putLong(1_700_000_000L).array(), 8, true),
                    RawGVariant.Part.of(a.bytes(), 1),
                    RawGVariant.Part.of(b.bytes(), 1))));
    assertThat(c.subject()).isEqualTo("hostile");
    assertThat(c.timestamp()).isEqualTo(1_700_000_000L);
    assertThat(c.rootTree()).isEqualTo(a);
    assertThat(c.parent()).isEqualTo(Optional.empty());
    assertThat(c.metadata()).containsOnlyKeys("x");
  }
}
