/**
 * Commands that talk to other repositories: remotes, pulls, summaries, static deltas, signing and
 * the {@code trivial-httpd} test server.
 */
package dev.treewave.ostree.cli.remote;
