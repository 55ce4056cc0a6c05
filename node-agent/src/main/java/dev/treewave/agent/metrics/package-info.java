/** Prometheus metrics of the node agent. */
package dev.treewave.agent.metrics;
