/** The plan preview: what a rollout would do, as a table, without touching the cluster. */
package dev.treewave.operator.preview;
