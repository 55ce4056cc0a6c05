/**
 * Static deltas: generating them (including bsdiff parts) and applying them during a pull, with
 * bounds on part and operation sizes.
 */
package dev.treewave.ostree.delta;
