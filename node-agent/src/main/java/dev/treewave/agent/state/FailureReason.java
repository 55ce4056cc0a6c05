package dev.treewave.agent.state;

/** Why an instruction failed; {@link #reason()} is the CamelCase word reported in conditions. */
public enum FailureReason {
  INVALID_INSTRUCTION("InvalidInstruction"),
  INSUFFICIENT_DISK("InsufficientDisk"),
  PULL_FAILED("PullFailed"),
  SIGNATURE_INVALID("SignatureInvalid"),
  STAGE_FAILED("StageFailed"),
  ACTIVATE_FAILED("ActivateFailed"),
  ROLLBACK_UNAVAILABLE("RollbackUnavailable"),
  REBOOT_FAILED("RebootFailed"),
  REBOOT_TIMED_OUT("RebootTimedOut"),
  BOOT_FAILED("BootFailed");

  private final String reason;

  FailureReason(String reason) {
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
