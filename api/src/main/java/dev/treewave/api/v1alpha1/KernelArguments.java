package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Kernel command-line changes applied to the new deployment (like {@code ostree --karg}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "!has(self.add) || self.add.all(a, a.matches('" + Patterns.KERNEL_ARGUMENT + "'))",
    fieldPath = ".add",
    message = KernelArguments.MESSAGE)
@ValidationRule(
    value =
        "!has(self.remove) || self.remove.all(a, a.matches('" + Patterns.KERNEL_ARGUMENT + "'))",
    fieldPath = ".remove",
    message = KernelArguments.MESSAGE)
public record KernelArguments(
    @Size(max = Patterns.KERNEL_ARGUMENTS_MAX_ITEMS)
        @JsonPropertyDescription(
            "Arguments to append, e.g. \"console=ttyS0\". At most 128, each one word of at most"
                + " 4096 bytes.")
        List<@Size(min = 1, max = Patterns.KERNEL_ARGUMENT_MAX_LENGTH) String> add,
    @Size(max = Patterns.KERNEL_ARGUMENTS_MAX_ITEMS)
        @JsonPropertyDescription(
            "Arguments to remove: exact \"key=value\" or a bare key for all. At most 128.")
        List<@Size(min = 1, max = Patterns.KERNEL_ARGUMENT_MAX_LENGTH) String> remove) {

  static final String MESSAGE =
      "each kernel argument must be one word (key or key=value): no spaces, tabs, newlines or"
          + " other control characters, since the kernel splits its command line at white space";

  public List<String> addOrEmpty() {
    return add != null ? add : List.of();
  }

  public List<String> removeOrEmpty() {
    return remove != null ? remove : List.of();
  }
}
