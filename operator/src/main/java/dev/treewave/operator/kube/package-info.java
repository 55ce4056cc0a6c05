/**
 * The Kubernetes side of the rollout ports: reads of Nodes, OSNodes and pods, cordon and drain
 * through the Eviction API, Events, trusted keys and commit resolution.
 */
package dev.treewave.operator.kube;
