/**
 * The rollout planner: plain Java, no Kubernetes types. {@link
 * dev.treewave.operator.plan.RolloutPlanner} turns a {@link
 * dev.treewave.operator.plan.RolloutSnapshot} (what the cluster looks like now) into a {@link
 * dev.treewave.operator.plan.RolloutPlan} (the steps to take now and the status to report).
 *
 * <p>Everything the planner needs to continue after a restart is in the snapshot, read back from
 * the cluster: cordon annotations on Nodes, instructions and outcomes on OSNodes, wave membership
 * in the OSImage status. So a new leader picks up exactly where the old one stopped.
 */
package dev.treewave.operator.plan;
