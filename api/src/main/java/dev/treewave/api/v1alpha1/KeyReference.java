package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One trusted key. GPG: an armored or binary public keyring. Ed25519: base64 public keys, one per
 * line (the format of ostree's {@code verification-ed25519-file}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.secretRef) != has(self.configMapRef)",
    message = "set exactly one of secretRef and configMapRef")
public record KeyReference(
    @JsonPropertyDescription("A key in a Secret.") ObjectKeyReference secretRef,
    @JsonPropertyDescription("A key in a ConfigMap.") ObjectKeyReference configMapRef) {

  public static KeyReference secret(String namespace, String name, String key) {
    return new KeyReference(new ObjectKeyReference(namespace, name, key), null);
  }

  public static KeyReference configMap(String namespace, String name, String key) {
    return new KeyReference(null, new ObjectKeyReference(namespace, name, key));
  }
}
