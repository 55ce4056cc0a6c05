package dev.treewave.ostree.repo;

import java.io.IOException;

/**
 * Content that runs on past, or ends before, the size its header declares, although the bytes
 * carrying it arrived complete: corrupt (or hostile) data that fetching again cannot fix, so a pull
 * does not retry it.
 */
public class ContentSizeException extends IOException {
  public ContentSizeException(String message) {
    super(message);
  }
}
