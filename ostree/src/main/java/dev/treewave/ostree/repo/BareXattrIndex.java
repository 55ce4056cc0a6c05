package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.Xattr;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Every xattr of a {@code bare} repository's objects, in every namespace: part of each object's
 * checksum, but the JDK alone only sees {@code user.*}. The first object asked about triggers one
 * {@code getfattr} run over all of {@code objects/} (an fsck or copy reads many objects; one run
 * per object would cost a process each); objects changed since that run started (their ctime says
 * so: written, linked or relabelled later) are read on their own. Without getfattr, only {@code
 * user.*} is seen and {@link #complete()} says so.
 */
final class BareXattrIndex {
  /**
   * A change that getfattr may have missed happened after its run started, and the kernel stamps
   * ctime from the same real-time clock, only read coarsely (up to one tick, 10 ms at HZ=100,
   * late). So a change within this margin before the start counts as after it. It is kept small on
   * purpose: every object counted as changed costs a getfattr process of its own, and a fsck or
   * checkout right after a pull would otherwise read thousands of objects that way.
   */
  private static final long CLOCK_SLACK_NANOS = 50_000_000L;

  private final Path objects;
  private Snapshot snapshot;

  private record Snapshot(Optional<XattrDump> dump, long takenAtNanos) {}

  BareXattrIndex(Path objects) {
    this.objects = objects.toAbsolutePath().normalize();
  }

  /** The xattrs of the object file {@code file} whose inode changed at {@code ctimeNanos}. */
  List<Xattr> of(Path file, long ctimeNanos) throws IOException {
    Snapshot s = snapshot();
    if (s.dump().isEmpty()) {
      return FileAttributes.readUserXattrs(file);
    }
    Path abs = file.toAbsolutePath().normalize();
    if (ctimeNanos >= s.takenAtNanos() - CLOCK_SLACK_NANOS || !abs.startsWith(objects)) {
      return single(abs);
    }
    return s.dump().get().of(abs.toString().substring(objects.toString().length()));
  }

  /** Whether every namespace is visible (getfattr is installed). */
  boolean complete() {
    return snapshot().dump().isPresent();
  }

  private synchronized Snapshot snapshot() {
    if (snapshot == null) {
      long start = System.currentTimeMillis() * 1_000_000L;
      try {
        snapshot = new Snapshot(XattrDump.start(objects).join(), start);
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    return snapshot;
  }

  private static List<Xattr> single(Path file) {
    try {
      return XattrDump.start(file).join().map(d -> d.of("")).orElse(List.of());
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}
