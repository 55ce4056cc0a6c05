/**
 * Whole-system harness: a local cluster with the operator as separate processes, simulated nodes
 * with real sysroots, a real repository, and the rollout invariants checked continuously.
 */
package dev.treewave.e2e;
