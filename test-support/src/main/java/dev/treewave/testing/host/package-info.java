/**
 * A simulated machine's boot traces (kernel command line, boot id, OSTree-booted marker) for the
 * node agent's tests and the E2Es; the sysroot itself is the ostree library's, which this module
 * sits below.
 */
package dev.treewave.testing.host;
