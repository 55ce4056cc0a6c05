package dev.treewave.ostree.cli.remote;

import dev.treewave.ostree.pull.PullProgress;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * A one-line pull progress display (objects, bytes, rate, ETA), redrawn at most 5 times a second.
 */
final class ProgressBar implements Consumer<PullProgress> {
  private final PrintWriter err;
  private long lastDraw;

  ProgressBar(PrintWriter err) {
    this.err = err;
  }

  @Override
  public synchronized void accept(PullProgress p) {
    long now = System.nanoTime();
    if (!p.done() && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    String eta = "";
    if (!p.done() && p.objectsFetched() > 0 && p.objectsRequested() > p.objectsFetched()) {
      double secs =
          (p.objectsRequested() - p.objectsFetched()) / Math.max(p.objectsPerSecond(), 0.1);
      eta = String.format(" · ETA %ds", (long) secs);
    }
    String parts =
        p.deltaPartsTotal() > 0
            ? String.format(" · delta parts %d/%d", p.deltaPartsFetched(), p.deltaPartsTotal())
            : "";
    err.print(
        String.format(
            "\r%d/%d objects%s · %s · %s/s%s%s",
            p.objectsFetched(),
            Math.max(p.objectsRequested(), p.objectsFetched()),
            parts,
            human(p.bytesTransferred()),
            human((long) p.bytesPerSecond()),
            eta,
            p.done() ? "\n" : "   "));
    err.flush();
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format("%.1f %s", v, units[i]);
  }
}
