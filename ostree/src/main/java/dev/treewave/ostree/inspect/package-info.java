/**
 * Read-only views for the CLI and tests: commit printing, GVariant text, reachability walks, tree
 * listings and diffs.
 */
package dev.treewave.ostree.inspect;
