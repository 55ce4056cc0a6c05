package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.cli.OstreeCli;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Base of subcommands that work on {@code --repo}. */
abstract class RepoCommand implements Callable<Integer> {
  @ParentCommand OstreeCli cli;
  @Spec CommandSpec spec;

  /** The streams of a command run without picocli (see {@link FastCommit}); null under picocli. */
  PrintWriter directOut;

  PrintWriter directErr;

  OstreeRepo repo() {
    return cli.openRepo();
  }

  PrintWriter out() {
    return spec != null ? spec.commandLine().getOut() : directOut;
  }

  PrintWriter err() {
    return spec != null ? spec.commandLine().getErr() : directErr;
  }

  @Override
  public Integer call() throws Exception {
    return execute();
  }

  abstract int execute() throws Exception;
}
