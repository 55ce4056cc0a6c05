/**
 * A small static HTTP server for a repository directory on 127.0.0.1, with fault injection (503s,
 * connections cut mid-body) for tests of pulls. Tests of every module serve repositories with it;
 * {@code treewave-ostree trivial-httpd} (ostree-cli) is the same server on the command line.
 */
package dev.treewave.testing.http;
