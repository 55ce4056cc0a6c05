/**
 * The thin reconciler and the rollout service: read the cluster through ports, plan, apply the
 * steps, write status once, announce Events.
 */
package dev.treewave.operator.rollout;
