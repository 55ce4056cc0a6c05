/**
 * The repository summary file: reading it (bounded, as libostree caps it) and writing it byte-
 * compatible with {@code ostree summary -u}.
 */
package dev.treewave.ostree.summary;
