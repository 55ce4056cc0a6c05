package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A data key in a namespaced Secret or ConfigMap (the OSImage itself has no namespace). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ObjectKeyReference(
    @Required @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String namespace,
    @Required @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$") String name,
    @Required @Pattern("^[-._a-zA-Z0-9]+$") String key) {}
