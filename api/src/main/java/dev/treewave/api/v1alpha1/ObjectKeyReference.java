package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A data key in a namespaced Secret or ConfigMap (the OSImage itself has no namespace). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ObjectKeyReference(
    @Required
        @Size(max = 63)
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        @JsonPropertyDescription("Namespace of the Secret or ConfigMap.")
        String namespace,
    @Required
        @Size(max = Patterns.NAME_MAX_LENGTH)
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription("Name of the Secret or ConfigMap.")
        String name,
    @Required
        @Size(max = Patterns.NAME_MAX_LENGTH)
        @Pattern("^[-._a-zA-Z0-9]+$")
        @JsonPropertyDescription("The data key that holds the keys.")
        String key) {}
