package dev.treewave.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Every change the sysroot code makes to the filesystem goes through this port, one call per step,
 * so that a test can interrupt an operation between any two steps (a simulated crash) and check
 * that the sysroot is still bootable. Reads go straight to {@link java.nio.file.Files}.
 */
public interface SysrootFs {

  /** Creates one directory (the parent must exist) with the given mode (e.g. 01777). */
  void createDirectory(Path dir, int mode) throws IOException;

  /** Creates a directory with the mode and owner of {@code like} (for copies of trees). */
  void createDirectoryLike(Path dir, Path like) throws IOException;

  /** Writes a file atomically (temporary file, fsync, rename over {@code file}). */
  void writeAtomically(Path file, byte[] content) throws IOException;

  /** Copies a regular file or symlink with its mode and owner; {@code target} must not exist. */
  void copyWithMetadata(Path source, Path target) throws IOException;

  /**
   * Makes {@code target} a hardlink of {@code source}, or a copy when they are on different
   * filesystems; atomic: {@code target} is either absent or complete.
   */
  void linkOrCopy(Path source, Path target) throws IOException;

  /** Creates a symlink; fails if {@code link} exists. */
  void symlink(Path link, String target) throws IOException;

  /** {@code rename(2)}: atomically replaces {@code to}. */
  void rename(Path from, Path to) throws IOException;

  /** Removes a file, symlink or whole tree (clearing immutable flags first); absent is fine. */
  void deleteTree(Path path) throws IOException;

  /** Sets or clears the immutable attribute; returns false where the filesystem can't. */
  boolean setImmutable(Path dir, boolean immutable) throws IOException;

  /** Flushes the filesystem holding {@code path} (before the atomic boot-config swap). */
  void sync(Path path) throws IOException;
}
