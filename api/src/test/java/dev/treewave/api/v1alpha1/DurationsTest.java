package dev.treewave.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"90s,PT1M30S", "10m,PT10M", "1h30m,PT1H30M", "500ms,PT0.5S", "0s,PT0S"})
  void readsWhatKubernetesUsersWrite(String text, String expected) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5h", "-5m", "5 m", "10", "soon", "1d", "1h30", "h"})
  void refusesWhatFabric8WouldGuessAt(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"" + text + "\" is not a duration like 90s, 10m or 1h30m");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999999999999h", "999999999999999999h"})
  void anOverflowIsAOneLineError(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).hasMessageContaining("too long a duration");
  }

  @org.junit.jupiter.api.Test
  void emptyIsNamed() {
    assertThatThrownBy(() -> Durations.parse("")).hasMessage("empty duration");
  }
}
