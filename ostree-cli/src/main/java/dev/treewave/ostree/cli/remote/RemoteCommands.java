package dev.treewave.ostree.cli.remote;

import java.util.List;

/**
 * The subcommands that talk to other repositories (remotes, pull, summaries, deltas, signatures,
 * serving), for registration in the root {@code treewave-ostree} command: {@code
 * RemoteCommands.ALL.forEach(c -> commandLine.addSubcommand(c));} or listing the classes.
 */
public final class RemoteCommands {
  public static final List<Class<?>> ALL =
      List.of(
          RemoteCommand.class,
          PullCommand.class,
          PullLocalCommand.class,
          SummaryCommand.class,
          GpgSignCommand.class,
          SignCommand.class,
          StaticDeltaCommand.class,
          TrivialHttpdCommand.class);

  private RemoteCommands() {}

  /** Adds every transport subcommand to {@code root}. */
  public static void register(picocli.CommandLine root) {
    for (Class<?> c : ALL) {
      root.addSubcommand(c);
    }
  }
}
