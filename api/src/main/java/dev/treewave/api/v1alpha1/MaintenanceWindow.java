package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * A weekly window in which nodes may be disrupted: from {@code start} on each of {@code days}, for
 * {@code duration}. A node already being updated when the window closes is finished.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "self.days.all(d, self.days.exists_one(x, x == d))",
    fieldPath = ".days",
    message = "days must name each day at most once")
@ValidationRule(
    value =
        "!has(self.duration) || !self.duration"
            + Patterns.IS_DURATION
            + " || (duration(self.duration) >= duration('1m') && duration(self.duration) <= duration('168h'))",
    fieldPath = ".duration",
    message = "duration must be from 1m to 168h (the week the window repeats in)")
public record MaintenanceWindow(
    @Required @Size(min = 1, max = 7) @JsonPropertyDescription("Days the window opens on.")
        List<Weekday> days,
    @Required
        @Size(max = 5)
        @Pattern(Patterns.TIME_OF_DAY)
        @JsonPropertyDescription("Opening time, HH:MM (24 h) in timeZone.")
        String start,
    @Required
        @Size(max = Patterns.DURATION_MAX_LENGTH)
        @Pattern(Patterns.DURATION)
        @JsonPropertyDescription("How long the window stays open, e.g. 4h; 1m to 168h.")
        String duration,
    @Default("UTC")
        @Size(max = 64)
        @Pattern("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")
        @JsonPropertyDescription(
            "IANA time zone, e.g. Europe/Berlin. Default UTC. The operator refuses unknown zones.")
        String timeZone) {

  public String timeZoneOrDefault() {
    return timeZone != null ? timeZone : "UTC";
  }
}
