/**
 * The one writer of OSImage status: it aggregates the plan, node counts, blockers and conditions
 * into the status patch.
 */
package dev.treewave.operator.status;
