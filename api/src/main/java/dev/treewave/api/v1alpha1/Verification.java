package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Which signatures a commit must carry before any node deploys it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "self.mode == 'Disabled' ? (!has(self.keys) || size(self.keys) == 0)"
            + " : (has(self.keys) && size(self.keys) > 0)",
    message =
        "keys must name at least one trusted key when mode is GPG or Ed25519, and none when"
            + " mode is Disabled")
public record Verification(
    @Required
        @JsonPropertyDescription(
            "GPG or Ed25519 to require signatures by one of the keys; Disabled to skip"
                + " verification (explicit opt-out).")
        VerificationMode mode,
    @Size(max = 16)
        @JsonPropertyDescription("Trusted public keys, read from Secrets or ConfigMaps.")
        List<KeyReference> keys) {

  public List<KeyReference> keysOrEmpty() {
    return keys != null ? keys : List.of();
  }
}
