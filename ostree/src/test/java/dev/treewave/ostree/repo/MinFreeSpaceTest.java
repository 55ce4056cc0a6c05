package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** libostree's min-free-space keys: parsing, precedence, defaults and message sizes. */
class MinFreeSpaceTest {
  private static MinFreeSpace.Config of(String core) {
    return MinFreeSpace.Config.of(KeyFile.parse("[core]\n" + core));
  }

  @Test
  void keysParseAsLibostreeReadsThem() {
    assertThat(of("")).isEqualTo(new MinFreeSpace.Config(3, 0));
    assertThat(of("min-free-space-percent=0\n").enabled()).isFalse();
    assertThat(of("min-free-space-percent=10\n").reservedBytes(1000)).isEqualTo(100);
    assertThat(of("min-free-space-size=500MB\n").reservedBytes(1000)).isEqualTo(500L << 20);
    assertThat(of("min-free-space-size=2GB\nmin-free-space-percent=50\n").sizeMb()).isEqualTo(2048);
    assertThat(of("min-free-space-size=1TB\n").describe())
        .isEqualTo("min-free-space-size 1048576MB");
    assertThat(of("").describe()).isEqualTo("min-free-space-percent '3%'");
    for (String bad :
        new String[] {
          "min-free-space-percent=100", "min-free-space-percent=x", "min-free-space-size=5"
        }) {
      assertThatThrownBy(() -> of(bad + "\n")).isInstanceOf(OstreeException.class);
    }
  }

  @Test
  void sizesFormatLikeGlib() {
    assertThat(MinFreeSpace.formatSize(1)).isEqualTo("1 byte");
    assertThat(MinFreeSpace.formatSize(4096)).isEqualTo("4.1 kB");
    assertThat(MinFreeSpace.formatSize(34_100_000)).isEqualTo("34.1 MB");
    assertThat(MinFreeSpace.formatSize(1L << 30)).isEqualTo("1.1 GB");
  }
}
