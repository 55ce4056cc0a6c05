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
 * A host OS image and how to roll it out: cluster-scoped, written by admins and GitOps pipelines.
 * The operator never writes its spec. The class description is what {@code kubectl explain osimage}
 * shows.
 */
@JsonClassDescription(
    "A host OS image (an OSTree commit) and how to roll it out across the nodes it selects: in"
        + " waves, within a disruption budget, through drain, reboot and a health gate. Written by"
        + " admins and GitOps; the operator writes only status. kubectl get osimages shows the"
        + " rollout.")
@Group(OSImage.GROUP)
@Version(OSImage.VERSION)
@Kind("OSImage")
@Plural("osimages")
@Singular("osimage")
@ShortNames("osi")
@Categories("treewave")
// Declared order is the order kubectl shows (the crds module keeps it; the generator would not).
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.targetVersion")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Staged",
    jsonPath = ".status.nodes.staged",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Updated",
    jsonPath = ".status.nodes.updated",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Total",
    jsonPath = ".status.nodes.total",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Wave",
    jsonPath = ".status.currentWave",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Failed",
    jsonPath = ".status.nodes.failed",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Commit", jsonPath = ".status.targetCommit", priority = 1)
public class OSImage extends CustomResource<OSImageSpec, OSImageStatus> {
  public static final String GROUP = "treewave.dev";
  public static final String VERSION = "v1alpha1";

  /** Lifts the {@code untilResumed} pause before wave N when set to "N" (kubectl annotate). */
  public static final String RESUME_WAVE_ANNOTATION = "treewave.dev/resume-wave";

  /**
   * Retries failed or skipped nodes of the current target: "node-a,node-b" or "all". The operator
   * clears the nodes' recorded outcome, issues a fresh Stage and then removes the annotation, so it
   * acts once per {@code kubectl annotate}.
   */
  public static final String RETRY_ANNOTATION = "treewave.dev/retry";

  /**
   * Aborts the rollout while present; its value says why (for status). No node is cordoned, staged
   * or activated any more, and nodes cordoned but not yet told to reboot are uncordoned; nodes
   * already rebooting finish. Unlike {@code spec.paused} it does not let nodes in flight go on.
   * Removing it resumes.
   */
  public static final String ABORT_ANNOTATION = "treewave.dev/abort";

  public OSImage() {}

  public OSImage(String name, OSImageSpec spec) {
    getMetadata().setName(name);
    setSpec(spec);
  }
}
