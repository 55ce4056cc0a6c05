package dev.treewave.agent.host;

import java.util.List;

/**
 * Kernel command-line changes for a new deployment, applied to the booted deployment's arguments.
 *
 * @param add arguments to append, e.g. {@code console=ttyS0}
 * @param remove exact {@code key=value} arguments, or bare keys (every value), to drop
 */
public record KernelArgs(List<String> add, List<String> remove) {

  public static final KernelArgs NONE = new KernelArgs(List.of(), List.of());

  public KernelArgs {
    add = List.copyOf(add);
    remove = List.copyOf(remove);
  }
}
