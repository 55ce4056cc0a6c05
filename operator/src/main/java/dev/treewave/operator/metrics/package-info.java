/** Prometheus metrics and the health endpoints the operator serves. */
package dev.treewave.operator.metrics;
