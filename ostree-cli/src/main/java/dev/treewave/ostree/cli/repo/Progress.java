package dev.treewave.ostree.cli.repo;

import java.io.PrintWriter;

/** A self-overwriting progress line on a terminal; silent when output is not a terminal. */
final class Progress {
  private final PrintWriter err;
  private final String format;
  private final boolean enabled;
  private long lastPrint;

  private Progress(PrintWriter err, String format, boolean enabled) {
    this.err = err;
    this.format = format;
    this.enabled = enabled;
  }

  static Progress onTerminal(PrintWriter err, String format) {
    return new Progress(err, format, System.console() != null);
  }

  synchronized void update(long n) {
    long now = System.nanoTime();
    if (!enabled || now - lastPrint < 200_000_000L) {
      return;
    }
    lastPrint = now;
    err.print("\r" + String.format(format, n));
    err.flush();
  }

  synchronized void done() {
    if (enabled && lastPrint != 0) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
