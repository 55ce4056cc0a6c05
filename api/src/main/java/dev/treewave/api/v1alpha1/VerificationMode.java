package dev.treewave.api.v1alpha1;

/** Signature schemes OSTree supports for commits, plus the explicit opt-out. */
public enum VerificationMode {
  GPG,
  Ed25519,
  Disabled
}
