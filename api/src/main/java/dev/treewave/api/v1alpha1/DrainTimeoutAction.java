package dev.treewave.api.v1alpha1;

/** What to do with a node whose drain did not finish in time. */
public enum DrainTimeoutAction {
  /** Leave the node on its current OS, make it schedulable again, report it, move on. */
  Uncordon,
  /** Delete the pods that are left, PodDisruptionBudgets notwithstanding. */
  Force
}
