package dev.treewave.ostree.repo;

/**
 * A write would eat into the free space a repository keeps ({@code core.min-free-space-percent} or
 * {@code core.min-free-space-size}); nothing of the refused object was written.
 */
public class MinFreeSpaceException extends OstreeException {
  public MinFreeSpaceException(String message) {
    super(message);
  }
}
