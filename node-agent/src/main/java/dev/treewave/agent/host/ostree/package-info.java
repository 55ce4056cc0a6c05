/** The host port implemented with treewave's own OSTree library on the host's sysroot. */
package dev.treewave.agent.host.ostree;
