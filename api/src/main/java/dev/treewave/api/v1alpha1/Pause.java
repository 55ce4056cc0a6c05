package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A stop between waves: for a time, or until someone sets the annotation {@value
 * OSImage#RESUME_WAVE_ANNOTATION} to the next wave's index.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.duration) != (has(self.untilResumed) && self.untilResumed)",
    message = "set exactly one of duration and untilResumed: true")
@ValidationRule(
    value =
        "!has(self.duration) || !self.duration"
            + Patterns.IS_DURATION
            + " || (duration(self.duration) >= duration('1s') && duration(self.duration) <= duration('720h'))",
    fieldPath = ".duration",
    message = "duration must be from 1s to 720h (30 days); for longer, use untilResumed: true")
public record Pause(
    @Size(max = Patterns.DURATION_MAX_LENGTH)
        @Pattern(Patterns.DURATION)
        @JsonPropertyDescription("How long to wait, e.g. 30m; 1s to 720h.")
        String duration,
    @JsonPropertyDescription("Wait until the treewave.dev/resume-wave annotation lifts it.")
        Boolean untilResumed) {

  public static Pause of(String duration) {
    return new Pause(duration, null);
  }

  public static Pause untilResumedByHand() {
    return new Pause(null, true);
  }

  public boolean isUntilResumed() {
    return Boolean.TRUE.equals(untilResumed);
  }
}
