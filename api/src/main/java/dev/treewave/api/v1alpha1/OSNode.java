package dev.treewave.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
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
@Group(OSImage.GROUP)
@Version(OSImage.VERSION)
@Kind("OSNode")
@Plural("osnodes")
@Singular("osnode")
@ShortNames("osn")
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.osImage")
@AdditionalPrinterColumn(name = "Action", jsonPath = ".spec.instruction.action")
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.agentState")
@AdditionalPrinterColumn(name = "Booted", jsonPath = ".status.booted.version")
@AdditionalPrinterColumn(name = "Commit", jsonPath = ".status.booted.commit", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class OSNode extends CustomResource<OSNodeSpec, OSNodeStatus> {
  public OSNode() {}

  public OSNode(String nodeName, OSNodeSpec spec) {
    getMetadata().setName(nodeName);
    setSpec(spec);
  }
}
