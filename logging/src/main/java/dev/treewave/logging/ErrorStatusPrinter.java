package dev.treewave.logging;

import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;

/**
 * Prints Logback's own configuration errors (a mistyped log format names no appender, and every log
 * line would be lost) to stderr, and nothing else. Registering any listener stops Logback from
 * printing its whole status history at start-up, which it does for mere warnings such as the
 * appenders that logback.xml declares but the chosen format does not use.
 */
public final class ErrorStatusPrinter extends ContextAwareBase implements StatusListener {

  @Override
  public void addStatusEvent(Status status) {
    if (status.getEffectiveLevel() >= Status.ERROR) {
      System.err.println("logback: " + status.getMessage());
    }
  }

  @Override
  public boolean isResetResistant() {
    return true;
  }
}
