/** Removes objects no ref or kept commit reaches, as {@code ostree prune} does. */
package dev.treewave.ostree.prune;
