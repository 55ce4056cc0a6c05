/**
 * A small static HTTP server for a repository directory on 127.0.0.1, used by {@code trivial-
 * httpd} and by tests.
 */
package dev.treewave.ostree.serve;
