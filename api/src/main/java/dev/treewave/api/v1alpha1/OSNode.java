package dev.treewave.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One node's OS state: cluster-scoped, named after the Node and owned by it (deleted with it). The
 * operator creates it and writes {@code spec}; the node agent on that node writes only {@code
 * status}.
 */
@JsonClassDescription(
    "One node's OS state, named after its Node and deleted with it. The operator writes spec (what"
        + " the node agent may do now); the node agent on that node writes status (deployments on"
        + " disk, what it is doing). Not written by people.")
@Group(OSImage.GROUP)
@Version(OSImage.VERSION)
@Kind("OSNode")
@Plural("osnodes")
@Singular("osnode")
@ShortNames("osn")
@Categories("treewave")
// Declared order is the order kubectl shows (the crds module keeps it; the generator would not).
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.osImage")
@AdditionalPrinterColumn(name = "Action", jsonPath = ".spec.instruction.action")
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.agentState")
@AdditionalPrinterColumn(
    name = "Staged",
    jsonPath = ".status.conditions[?(@.type==\"Staged\")].status")
@AdditionalPrinterColumn(name = "Booted", jsonPath = ".status.booted.version")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Commit", jsonPath = ".status.booted.commit", priority = 1)
public class OSNode extends CustomResource<OSNodeSpec, OSNodeStatus> {
  public OSNode() {}

  public OSNode(String nodeName, OSNodeSpec spec) {
    getMetadata().setName(nodeName);
    setSpec(spec);
  }
}
