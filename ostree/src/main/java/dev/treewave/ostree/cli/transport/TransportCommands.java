package dev.treewave.ostree.cli.transport;

import java.util.List;

/**
 * The transport subcommands, for registration in the root {@code treewave-ostree} command: {@code
 * TransportCommands.ALL.forEach(c -> commandLine.addSubcommand(c));} or listing the classes.
 */
public final class TransportCommands {
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

  private TransportCommands() {}

  /** Adds every transport subcommand to {@code root}. */
  public static void register(picocli.CommandLine root) {
    for (Class<?> c : ALL) {
      root.addSubcommand(c);
    }
  }
}
