/**
 * Pulls commits from a remote repository (HTTP or a local path) into a local one: loose objects,
 * static deltas, summary and signature checks, with bounded memory, retries of transient faults
 * only, and one-line errors.
 */
package dev.treewave.ostree.pull;
