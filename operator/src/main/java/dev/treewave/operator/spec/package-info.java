/**
 * From an OSImage spec to a rollout policy: validation that names the field ({@code InvalidSpec})
 * and Go-style durations.
 */
package dev.treewave.operator.spec;
