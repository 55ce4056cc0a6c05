/**
 * A real local control plane for tests (kube-apiserver, controller-manager, scheduler and kwok
 * nodes, built from Go modules) and its lifecycle.
 */
package dev.treewave.testing.kube;
