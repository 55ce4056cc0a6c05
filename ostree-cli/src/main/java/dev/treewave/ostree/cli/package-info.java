/**
 * The {@code treewave-ostree} command line: the root command and its one-line errors, and the
 * workload behind the launcher's class-data-sharing archive. Commands live in the subpackages.
 */
package dev.treewave.ostree.cli;
