/** {@code admin}: the commands on a sysroot and its deployments. */
package dev.treewave.ostree.cli.admin;
