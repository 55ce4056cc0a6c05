package dev.treewave.operator.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;

/**
 * Before cordoning: which pods on the node could not be evicted right now because a
 * PodDisruptionBudget allows no disruption. Reporting this beats a node left cordoned for hours.
 */
public final class PdbCheck {
  private PdbCheck() {}

  public static List<String> blockers(List<Pod> toEvict, List<PodDisruptionBudget> pdbs) {
    List<String> blockers = new ArrayList<>();
    for (Pod pod : toEvict) {
      for (PodDisruptionBudget pdb : pdbs) {
        if (!pdb.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
            || pdb.getSpec().getSelector() == null
            || !Selectors.matches(pdb.getSpec().getSelector(), pod.getMetadata().getLabels())) {
          continue;
        }
        Integer allowed = pdb.getStatus() != null ? pdb.getStatus().getDisruptionsAllowed() : null;
        if (allowed == null || allowed < 1) {
          // Named with its namespace: the budget may be a tenant's, and whoever reads this has
          // to find it (a PDB selecting every pod of a namespace blocks every drain there).
          blockers.add(
              PodFilters.name(pod)
                  + ": PodDisruptionBudget "
                  + pdb.getMetadata().getNamespace()
                  + "/"
                  + pdb.getMetadata().getName()
                  + " allows 0 disruptions");
        }
      }
    }
    return blockers;
  }
}
