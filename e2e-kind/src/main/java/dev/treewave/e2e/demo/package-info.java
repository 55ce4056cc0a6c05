/**
 * {@code bin/demo}: one rollout end to end on the local cluster, narrated for a first-time reader.
 */
package dev.treewave.e2e.demo;
