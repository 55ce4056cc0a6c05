/**
 * Builds commits from a directory or a tar stream: the in-memory tree, ownership and xattr policy,
 * content import into the store, and the {@code ostree.sizes} metadata.
 */
package dev.treewave.ostree.commit;
