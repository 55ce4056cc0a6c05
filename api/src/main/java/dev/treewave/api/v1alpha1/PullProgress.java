package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Progress of the pull in flight. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PullProgress(
    @JsonPropertyDescription("Objects downloaded so far.") Long objectsFetched,
    @JsonPropertyDescription("Objects the pull needs, when known.") Long objectsTotal,
    @JsonPropertyDescription("Bytes downloaded so far.") Long bytesFetched) {}
