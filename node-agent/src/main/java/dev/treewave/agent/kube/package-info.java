/**
 * The agent's Kubernetes adapter: watch its OSNode, read trusted keys, write status (its only
 * write).
 */
package dev.treewave.agent.kube;
