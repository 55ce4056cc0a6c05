/**
 * The object store in each repository mode (archive, bare, bare-user): content storage, durability
 * (fsync and syncfs), locking, refs and config.
 */
package dev.treewave.ostree.repo;
