package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.Xattr;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Extended attributes the JDK cannot set ({@code security.capability}, {@code security.selinux},
 * {@code trusted.*}: every namespace but {@code user.}, and a symlink's own), collected while files
 * are written and set by {@link NativeFs#setXattr} in {@link #apply()}. A bare repository's objects
 * and a root checkout carry such xattrs as libostree's do. Callers apply a batch before the files
 * become visible (a transaction before its objects get their final names) and after their owner is
 * set (chown clears {@code security.capability}), so a failure leaves nothing half-labelled in
 * place.
 */
public final class XattrBatch {
  private static final String USER = "user.";

  private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

  private record Entry(Path file, List<Xattr> xattrs) {}

  /** Whether any of {@code xattrs} is outside the {@code user.} namespace the JDK reaches. */
  public static boolean needsNative(List<Xattr> xattrs) {
    for (Xattr x : xattrs) {
      if (!x.name().startsWith(USER)) {
        return true;
      }
    }
    return false;
  }

  /** Remembers every xattr of {@code file} (a symlink's own) for {@link #apply()}; thread-safe. */
  public void add(Path file, List<Xattr> xattrs) {
    List<Xattr> kept = new ArrayList<>();
    for (Xattr x : xattrs) {
      if (x.value().length > 0) { // libostree neither stores nor sets empty values
        kept.add(x);
      }
    }
    if (!kept.isEmpty()) {
      entries.add(new Entry(file, List.copyOf(kept)));
    }
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /**
   * Sets every collected xattr; the batch is empty afterwards. Throws a {@link NativeFsException}
   * naming the file, the xattr and the errno (not root: EPERM; a file system that refuses the
   * namespace: ENOTSUP), or an {@link OstreeException} where native calls cannot be made.
   */
  public void apply() {
    Entry first = entries.peek();
    if (first == null) {
      return;
    }
    NativeFs fs =
        NativeFs.system()
            .orElseThrow(
                () ->
                    new OstreeException(
                        "Setting xattrs on "
                            + first.file()
                            + ": "
                            + NativeFs.unavailableReason()
                            + "; the JDK alone can only set user.* xattrs"));
    for (Entry e; (e = entries.poll()) != null; ) {
      for (Xattr x : e.xattrs()) {
        fs.setXattr(e.file(), x.name(), x.value());
      }
    }
  }
}
