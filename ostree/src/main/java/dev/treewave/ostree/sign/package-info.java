/**
 * Commit signatures as libostree writes them in the commit's detached metadata: signing, and
 * verification against a policy of trusted keys (ed25519 and OpenPGP below).
 */
package dev.treewave.ostree.sign;
