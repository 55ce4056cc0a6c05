package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** An OSTree repository, a ref in it, and optionally the exact commit (GitOps pinning). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageSource(
    @Required
        @Pattern("^https?://[^\\s]+$")
        @JsonPropertyDescription("Base URL of the OSTree repository (archive mode, over HTTP).")
        String url,
    @Required @Pattern(Patterns.REF) @JsonPropertyDescription("The ref to follow.") String ref,
    @Pattern(Patterns.COMMIT)
        @JsonPropertyDescription(
            "Pinned commit checksum (64 lower-case hex). When absent, the ref's current commit.")
        String commit) {}
