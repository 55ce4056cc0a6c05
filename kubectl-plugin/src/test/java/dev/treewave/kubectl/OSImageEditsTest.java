package dev.treewave.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OSImageEditsTest {
  @Test
  void eachEditIsOneMergePatchOfOneFieldOrAnnotation() {
    assertThat(OSImageEdits.pause()).isEqualTo("{\"spec\":{\"paused\":true}}");
    assertThat(OSImageEdits.rollback(true)).isEqualTo("{\"spec\":{\"rollback\":true}}");
    assertThat(OSImageEdits.retry(List.of("a", "b")))
        .isEqualTo("{\"metadata\":{\"annotations\":{\"treewave.dev/retry\":\"a,b\"}}}");
    assertThat(OSImageEdits.retry(List.of()))
        .isEqualTo("{\"metadata\":{\"annotations\":{\"treewave.dev/retry\":\"all\"}}}");
    assertThat(OSImageEdits.abort("INC-1 \"bad\""))
        .isEqualTo(
            "{\"metadata\":{\"annotations\":{\"treewave.dev/abort\":\"INC-1 \\\"bad\\\"\"}}}");
  }

  @Test
  void undoingRemovesTheFieldRatherThanWritingFalse() {
    // A merge patch removes a field given as null: the OSImage then reads as never paused, and a
    // GitOps diff against a spec without the field stays clean.
    assertThat(OSImageEdits.rollback(false)).isEqualTo("{\"spec\":{\"rollback\":null}}");
    assertThat(OSImageEdits.resume(null))
        .contains("\"spec\":{\"paused\":null}")
        .contains("\"treewave.dev/abort\":null")
        .doesNotContain("resume-wave");
    assertThat(OSImageEdits.resume(2)).contains("\"treewave.dev/resume-wave\":\"2\"");
  }
}
