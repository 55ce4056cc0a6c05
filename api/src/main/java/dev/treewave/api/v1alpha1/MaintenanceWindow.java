package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * A weekly window in which nodes may be disrupted: from {@code start} on each of {@code days}, for
 * {@code duration}. A node already being updated when the window closes is finished.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MaintenanceWindow(
    @Required @Size(min = 1) @JsonPropertyDescription("Days the window opens on.")
        List<Weekday> days,
    @Required
        @Pattern(Patterns.TIME_OF_DAY)
        @JsonPropertyDescription("Opening time, HH:MM (24 h) in timeZone.")
        String start,
    @Required
        @Pattern(Patterns.DURATION)
        @JsonPropertyDescription("How long the window stays open, e.g. 4h.")
        String duration,
    @Default("UTC")
        @Pattern("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")
        @JsonPropertyDescription("IANA time zone, e.g. Europe/Berlin. Default UTC.")
        String timeZone) {

  public String timeZoneOrDefault() {
    return timeZone != null ? timeZone : "UTC";
  }
}
