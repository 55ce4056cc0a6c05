/**
 * Ports to the host: its OS tree store, reboots, kernel arguments and whether the host is managed
 * by OSTree at all.
 */
package dev.treewave.agent.host;
