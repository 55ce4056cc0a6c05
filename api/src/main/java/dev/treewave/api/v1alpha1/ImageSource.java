package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** An OSTree repository, a ref in it, and optionally the exact commit (GitOps pinning). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "!self.url.matches('^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@')",
    fieldPath = ".url",
    message =
        "url must not contain credentials (user:password@): anyone who can read OSImages would"
            + " read them; keep credentials in a Secret, never in the spec")
@ValidationRule(
    value =
        "isURL(self.url) && url(self.url).getScheme() in ['http', 'https']"
            + " && url(self.url).getHostname() != ''",
    fieldPath = ".url",
    message = "url must be an absolute http:// or https:// URL with a host")
public record ImageSource(
    @Required
        @Size(max = Patterns.URL_MAX_LENGTH)
        @Pattern("^https?://[^\\s]+$")
        @JsonPropertyDescription("Base URL of the OSTree repository (archive mode, over HTTP).")
        String url,
    @Required
        @Size(max = Patterns.REF_MAX_LENGTH)
        @Pattern(Patterns.REF)
        @JsonPropertyDescription("The ref to follow.")
        String ref,
    @Size(max = 64)
        @Pattern(Patterns.COMMIT)
        @JsonPropertyDescription(
            "Pinned commit checksum (64 lower-case hex). When absent, the ref's current commit.")
        String commit) {}
