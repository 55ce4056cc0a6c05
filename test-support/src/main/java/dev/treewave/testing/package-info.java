/** Shared test helpers: a settable clock and checks for the tools a test needs. */
package dev.treewave.testing;
