/**
 * OpenPGP signatures ({@code ostree.gpgsigs}) through Bouncy Castle: sign with a secret key, verify
 * against trusted public keys.
 */
package dev.treewave.ostree.sign.gpg;
