package dev.treewave.ostree.checkout;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.FileAttributes;
import dev.treewave.ostree.repo.FileNames;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.repo.XattrBatch;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ostree checkout}: materialises a commit's tree. Regular files are hard-linked from the
 * object store where the repository mode allows (bare-user with {@code -U}, bare, bare-user-only)
 * and copied otherwise. It never follows a symlink inside the target: every directory it writes
 * into is one it created or verified to be a real directory, and dirtree names are validated single
 * path components, so a hostile commit cannot write outside the target.
 */
public final class Checkout {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  /** Names are written as their UTF-8 bytes whatever the locale's encoding. */
  private static final FileNames NAMES = FileNames.system();

  private final OstreeRepo repo;
  private final CheckoutOptions options;
  private final java.util.concurrent.atomic.AtomicLong filesCheckedOut =
      new java.util.concurrent.atomic.AtomicLong();
  private final ConcurrentHashMap<ObjectId, DirMeta> metaCache = new ConcurrentHashMap<>();

  /** Xattrs outside user.* and symlinks' own (root checkouts only), set after their owners. */
  private final XattrBatch deferredXattrs = new XattrBatch();

  public Checkout(OstreeRepo repo, CheckoutOptions options) {
    this.repo = repo;
    this.options = options;
  }

  public long filesCheckedOut() {
    return filesCheckedOut.get();
  }

  /**
   * Checks out {@code rev} (ref or checksum) into {@code target}, which must not exist unless
   * union.
   */
  public void checkout(String rev, Path target) {
    checkout(repo.resolveRev(rev), target);
  }

  public void checkout(ObjectId commitId, Path target) {
    Commit c = repo.readCommit(commitId);
    ObjectId tree = c.rootTree();
    ObjectId meta = c.rootMeta();
    List<String> parts = subpathComponents(options.subpath());
    try {
      for (int i = 0; i < parts.size(); i++) {
        String name = parts.get(i);
        DirTree t = repo.readDirTree(tree);
        DirTree.DirEntry d =
            t.dirs().stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
        if (d == null) {
          DirTree.FileEntry f =
              t.files().stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
          if (f != null && i == parts.size() - 1) {
            checkParentIsRealDirectory(target);
            checkoutFile(f.checksum(), target);
            deferredXattrs.apply();
            return;
          }
          throw new OstreeException("No such file or directory: " + options.subpath());
        }
        tree = d.treeChecksum();
        meta = d.metaChecksum();
      }
      checkParentIsRealDirectory(target);
      // The anchors outlive the walk: directory metadata and the deferred xattrs use them too.
      try (PathAnchors anchors = new PathAnchors()) {
        checkoutDir(tree, meta, target, anchors);
        deferredXattrs.apply();
      }
    } catch (IOException e) {
      throw new OstreeException("Checkout into " + target + ": " + e.getMessage(), e);
    }
  }

  static List<String> subpathComponents(String subpath) {
    List<String> out = new java.util.ArrayList<>();
    for (String p : subpath.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        throw new OstreeException("Invalid subpath '" + subpath + "': '..' is not allowed");
      }
      out.add(p);
    }
    return out;
  }

  private static void checkParentIsRealDirectory(Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new OstreeException("Parent of " + target + " is not a directory");
    }
  }

  /** A directory whose content is written; its own metadata comes last, deepest first. */
  private record Written(Path dir, DirMeta meta, int depth) {}

  /**
   * Writes the tree without recursion: every directory is one task on a shared queue that writes
   * its files and queues its subdirectories, and no task waits for another, so neither the Java
   * stack nor the pool grows with the tree's depth (a 10,000-deep chain is a valid commit;
   * libostree checks it out). Directory metadata is applied afterwards, deepest first, so a
   * read-only directory still receives its children. A checkout that fails removes what it wrote.
   */
  private void checkoutDir(ObjectId treeId, ObjectId metaId, Path dir, PathAnchors anchors)
      throws IOException {
    // Only what this checkout wrote is removed on failure: a new directory, or the contents of the
    // empty one it was given; never an existing file, symlink or a union target.
    boolean existed = Files.exists(dir, NOFOLLOW);
    boolean mayRemove =
        !options.union() && (!existed || (Files.isDirectory(dir, NOFOLLOW) && isEmpty(dir)));
    try {
      List<Written> written = writeTree(treeId, metaId, dir, anchors);
      written.sort(java.util.Comparator.comparingInt(Written::depth).reversed());
      for (Written w : written) {
        applyDirMeta(w.dir(), w.meta());
      }
    } catch (IOException | RuntimeException | Error e) {
      if (mayRemove) {
        removeQuietly(dir, existed, e);
      }
      throw e;
    }
  }

  /** Leaves {@code dir} as it was before: absent, or empty if it existed (then it was empty). */
  private static void removeQuietly(Path dir, boolean existed, Throwable cause) {
    try {
      if (existed) {
        dev.treewave.ostree.repo.TreeRemoval.deleteContents(dir);
      } else {
        dev.treewave.ostree.repo.TreeRemoval.delete(dir);
      }
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private List<Written> writeTree(ObjectId treeId, ObjectId metaId, Path root, PathAnchors anchors)
      throws IOException {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "checkout");
              t.setDaemon(true);
              return t;
            });
    java.util.concurrent.atomic.AtomicInteger pending =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CompletableFuture<Void> done =
        new java.util.concurrent.CompletableFuture<>();
    java.util.Queue<Written> written = new java.util.concurrent.ConcurrentLinkedQueue<>();
    class Walk {
      void submit(ObjectId tree, ObjectId meta, Path dir, int depth) {
        pending.incrementAndGet();
        pool.execute(
            () -> {
              try {
                if (!done.isDone()) {
                  writeOne(tree, meta, dir, depth);
                }
              } catch (Throwable e) {
                done.completeExceptionally(e);
              } finally {
                if (pending.decrementAndGet() == 0) {
                  done.complete(null);
                }
              }
            });
      }

      void writeOne(ObjectId treeId, ObjectId metaId, Path dir, int depth) throws IOException {
        DirMeta meta = metaCache.computeIfAbsent(metaId, repo::readDirMeta);
        DirTree tree = repo.readDirTree(treeId);
        prepareDirectory(dir, depth == 0);
        written.add(new Written(dir, meta, depth));
        Path base = anchors.shorten(dir);
        for (DirTree.FileEntry f : tree.files()) {
          checkoutFile(f.checksum(), NAMES.resolve(base, f.name()));
        }
        for (DirTree.DirEntry d : tree.dirs()) {
          submit(d.treeChecksum(), d.metaChecksum(), NAMES.resolve(base, d.name()), depth + 1);
        }
      }
    }
    try {
      new Walk().submit(treeId, metaId, root, 0);
      done.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new OstreeException(String.valueOf(c.getMessage()), c);
    } finally {
      // No task may still write while a failed checkout is being removed.
      pool.shutdownNow();
      try {
        pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return new java.util.ArrayList<>(written);
  }

  /**
   * Without loading the native calls (JNA) for it: a hard-link checkout may need nothing else of
   * them, and loading them costs about 0.1 s of CPU, more than the JDK's five extra system calls
   * for each of a minbase tree's 1,080 directories (docs/benchmarks.md, 2026-12-07).
   */
  private void applyDirMeta(Path dir, DirMeta meta) throws IOException {
    if (!options.userMode()) {
      FileAttributes.chownWithoutLoadingNative(dir, meta.uid(), meta.gid());
      FileAttributes.writeXattrs(dir, meta.xattrs(), deferredXattrs);
    }
    FileAttributes.chmod(dir, meta.mode());
    FileAttributes.setMtimeZeroWithoutLoadingNative(dir);
  }

  private void prepareDirectory(Path dir, boolean isRoot) throws IOException {
    // Create first and look only if that fails: a stat of a missing path costs an exception in
    // Java, once per directory of a fresh checkout.
    try {
      Files.createDirectory(dir);
      return;
    } catch (FileAlreadyExistsException e) {
      // checked below
    }
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      throw new OstreeException(
          "Refusing to write into " + dir + ": it exists and is not a directory");
    }
    if (!options.union() && !(isRoot && isEmpty(dir))) {
      throw new OstreeException("Target " + dir + " already exists");
    }
  }

  /** The top-level target may pre-exist only when empty (ostree allows that too). */
  private static boolean isEmpty(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  private void checkoutFile(ObjectId id, Path dest) throws IOException {
    filesCheckedOut.incrementAndGet();
    // Without --union nothing is looked up first: link/create fail atomically if dest exists.
    if (options.union() && Files.exists(dest, NOFOLLOW)) {
      if (Files.isDirectory(dest, NOFOLLOW)) {
        throw new OstreeException("Cannot replace directory " + dest + " with a file");
      }
      Files.delete(dest);
    }
    if (canHardlink()) {
      Path obj = repo.objectPath(ObjectType.FILE, id);
      // libostree copies zero-sized files instead of linking them: they are the most shared
      // content of a tree, and one inode would soon reach the file system's link limit.
      BasicFileAttributes st = Files.readAttributes(obj, BasicFileAttributes.class, NOFOLLOW);
      if (st.size() == 0) {
        copyOut(id, dest);
        return;
      }
      if (repo.mode() == RepoMode.BARE) {
        // A bare object is the file itself, owner, mode and xattrs included, and a symlink object
        // is a symlink: libostree links both (link(2) does not follow a symlink).
        Files.createLink(dest, obj);
        return;
      }
      if (repo.mode() == RepoMode.BARE_USER) {
        // Symlinks are stored as regular files in bare-user: only the xattr tells.
        byte[] meta = FileAttributes.readUserXattr(obj, "ostreemeta");
        if (meta != null && isSymlink(meta)) {
          copyOut(id, dest);
          return;
        }
        Files.createLink(dest, obj);
        return;
      }
      if (!st.isSymbolicLink()) { // bare-user-only: a symlink object is copied, as libostree does
        Files.createLink(dest, obj);
        return;
      }
    } else if (options.requireHardlinks()) {
      if (repo.mode() == RepoMode.BARE) {
        throw new OstreeException("Bare repository mode cannot hardlink in user checkout mode");
      }
      throw new OstreeException(
          "Unable to hardlink "
              + id
              + ": repository mode "
              + repo.mode().configName()
              + (options.userMode() ? "" : " without -U")
              + " requires copies");
    }
    copyOut(id, dest);
  }

  /**
   * Whether a bare-user {@code user.ostreemeta} value {@code (uuua(ayay))} describes a symlink. The
   * mode is the big-endian u32 at offset 8; reading it directly instead of parsing the variant
   * matters once per file. A value too short to hold it is parsed strictly, which reports it.
   */
  static boolean isSymlink(byte[] ostreemeta) {
    if (ostreemeta.length < 12) {
      return (DirMeta.parse(ostreemeta).mode() & 0170000) == 0120000;
    }
    int mode =
        (ostreemeta[8] & 0xff) << 24
            | (ostreemeta[9] & 0xff) << 16
            | (ostreemeta[10] & 0xff) << 8
            | (ostreemeta[11] & 0xff);
    return (mode & 0170000) == 0120000;
  }

  private boolean canHardlink() {
    return switch (repo.mode()) {
      // A bare object carries its owner, setuid bits and xattrs, which a user-mode checkout must
      // not have: libostree copies every file then.
      case BARE_USER, BARE -> options.userMode() == (repo.mode() == RepoMode.BARE_USER);
      case BARE_USER_ONLY -> true;
      case ARCHIVE -> false;
    };
  }

  private void copyOut(ObjectId id, Path dest) throws IOException {
    try (ContentObject c = repo.openContent(id)) {
      FileHeader h = c.header();
      if (h.isSymlink()) {
        NAMES.createSymbolicLink(dest, h.symlinkTarget());
        if (!options.userMode()) {
          FileAttributes.chown(dest, h.uid(), h.gid());
          deferredXattrs.add(dest, h.xattrs()); // a symlink's own: only lsetxattr reaches them
        }
        return;
      }
      try (OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW)) {
        c.content().transferTo(out);
      }
      if (!options.userMode()) {
        FileAttributes.chown(dest, h.uid(), h.gid());
        FileAttributes.writeXattrs(dest, h.xattrs(), deferredXattrs);
        FileAttributes.chmod(dest, h.mode());
      } else {
        FileAttributes.chmod(dest, h.mode() & 0777 | (h.mode() & 01000));
      }
    }
  }
}
