/**
 * Verifies every object reachable from the refs against its checksum, as {@code ostree fsck} does.
 */
package dev.treewave.ostree.fsck;
