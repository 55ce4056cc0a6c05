/**
 * Checks a commit out into a directory, hard-linking from bare stores where possible, without
 * recursion so deep trees cannot exhaust the stack.
 */
package dev.treewave.ostree.checkout;
