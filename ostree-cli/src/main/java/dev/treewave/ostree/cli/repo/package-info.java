/**
 * Commands on one repository ({@code init}, {@code commit}, {@code checkout}, {@code fsck}, ...),
 * with picocli-free fast paths for the common commit and checkout command lines.
 */
package dev.treewave.ostree.cli.repo;
