package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Kernel command-line changes applied to the new deployment (like {@code ostree --karg}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record KernelArguments(
    @JsonPropertyDescription("Arguments to append, e.g. \"console=ttyS0\".") List<String> add,
    @JsonPropertyDescription("Arguments to remove: exact \"key=value\" or a bare key for all.")
        List<String> remove) {

  public List<String> addOrEmpty() {
    return add != null ? add : List.of();
  }

  public List<String> removeOrEmpty() {
    return remove != null ? remove : List.of();
  }
}
