/**
 * Shared test helpers: a settable clock, checks for the tools a test needs, the one process runner
 * and the check that committed copies of generated files have not drifted.
 */
package dev.treewave.testing;
