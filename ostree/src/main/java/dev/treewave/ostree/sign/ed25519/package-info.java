/**
 * ed25519 signatures ({@code ostree.sign.ed25519}) in libostree's key formats: base64 seed plus
 * public key for signing, base64 public keys for verifying.
 */
package dev.treewave.ostree.sign.ed25519;
