/**
 * Remotes as libostree configures them ({@code remote "name"} sections): URLs, trust settings and
 * key stores.
 */
package dev.treewave.ostree.remote;
