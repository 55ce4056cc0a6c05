/**
 * The OSTree object model: object ids and types, commits, dirtree and dirmeta objects, file
 * headers, modes and extended attributes.
 */
package dev.treewave.ostree.core;
