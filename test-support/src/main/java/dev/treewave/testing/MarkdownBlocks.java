package dev.treewave.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The fenced code blocks of a Markdown page, for tests that run or apply what the docs show (so a
 * page cannot drift from what the tools do).
 */
public final class MarkdownBlocks {
  private MarkdownBlocks() {}

  /** The bodies of the blocks fenced as {@code ```language}, in page order. */
  public static List<String> fenced(List<String> lines, String language) {
    String opening = "```" + language;
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    for (String line : lines) {
      if (block == null && line.equals(opening)) {
        block = new StringBuilder();
      } else if (block != null && line.equals("```")) {
        blocks.add(block.toString());
        block = null;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    return blocks;
  }
}
