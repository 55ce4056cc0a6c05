package dev.treewave.ostree.cli.admin;

import dev.treewave.ostree.sysroot.DeployOptions;
import dev.treewave.ostree.sysroot.Deployment;
import dev.treewave.ostree.sysroot.DeploymentStatus;
import dev.treewave.ostree.sysroot.EtcMerge;
import dev.treewave.ostree.sysroot.KernelArgs;
import dev.treewave.ostree.sysroot.LocalSysrootFs;
import dev.treewave.ostree.sysroot.Origin;
import dev.treewave.ostree.sysroot.StatusFormatter;
import dev.treewave.ostree.sysroot.Sysroot;
import dev.treewave.ostree.sysroot.SysrootException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The {@code admin} subcommands; each parses flags and calls one {@link Sysroot} method. */
final class AdminCommands {

  private AdminCommands() {}

  /** Shared plumbing: the parent's sysroot options and stdout. */
  abstract static class Base implements Callable<Integer> {
    @ParentCommand AdminCommand admin;
    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public Integer call() throws IOException {
      run();
      out().flush();
      return 0;
    }

    abstract void run() throws IOException;
  }

  @Command(name = "init-fs", description = "Initialize a root filesystem")
  static final class InitFs extends Base {
    @Parameters(paramLabel = "PATH")
    Path path;

    @Override
    void run() throws IOException {
      Sysroot.initFs(path, new LocalSysrootFs());
    }
  }

  @Command(name = "os-init", description = "Initialize empty state for given operating system")
  static final class OsInit extends Base {
    @Parameters(paramLabel = "OSNAME")
    String osname;

    @Override
    void run() throws IOException {
      admin.open().osInit(osname);
      out().println("ostree/deploy/" + osname + " initialized as OSTree root");
    }
  }

  @Command(name = "deploy", description = "Checkout revision REFSPEC as the new default deployment")
  static final class Deploy extends Base {
    @Parameters(paramLabel = "REFSPEC")
    String refspec;

    @Option(names = "--os", paramLabel = "OSNAME", description = "Use a different stateroot")
    String os;

    @Option(names = "--origin-file", paramLabel = "FILENAME", description = "Origin file to use")
    Path originFile;

    @Option(names = "--karg", paramLabel = "KEY=VALUE", description = "Set kernel argument")
    List<String> karg = new ArrayList<>();

    @Option(names = "--karg-append", paramLabel = "KEY=VALUE", description = "Append karg")
    List<String> kargAppend = new ArrayList<>();

    @Option(names = "--karg-delete", paramLabel = "KEY[=VALUE]", description = "Delete karg")
    List<String> kargDelete = new ArrayList<>();

    @Option(names = "--karg-proc-cmdline", description = "Start from /proc/cmdline")
    boolean kargProcCmdline;

    @Option(names = "--karg-none", description = "Start from no kernel arguments")
    boolean kargNone;

    @Option(names = "--retain", description = "Do not delete previous deployments")
    boolean retain;

    @Option(names = "--retain-pending", description = "Keep pending deployments")
    boolean retainPending;

    @Option(names = "--retain-rollback", description = "Keep rollback deployments")
    boolean retainRollback;

    @Option(names = "--not-as-default", description = "Append rather than prepend")
    boolean notAsDefault;

    @Option(names = "--no-merge", description = "Do not apply configuration (/etc) changes")
    boolean noMerge;

    @Option(names = "--stage", description = "Complete deployment at OS shutdown")
    boolean stage;

    @Override
    void run() throws IOException {
      DeployOptions opts =
          DeployOptions.of(refspec)
              .withKargs(karg, kargAppend, kargDelete)
              .withKargsFromProcCmdline(kargProcCmdline)
              .withKargsNone(kargNone)
              .withRetain(retain, retainPending, retainRollback)
              .withNotAsDefault(notAsDefault)
              .withNoMerge(noMerge)
              .withStage(stage);
      if (os != null) {
        opts = opts.withOsname(os);
      }
      if (originFile != null) {
        opts = opts.withOrigin(Origin.parse(java.nio.file.Files.readString(originFile)));
      }
      Deployment d = admin.open().deploy(opts);
      if (!stage) {
        admin.pruneRepository();
      }
      out().println((stage ? "Staged " : "Deployed ") + d.osname() + " " + d.dirName());
    }
  }

  @Command(name = "finalize-staged", description = "Finalize a staged deployment (at shutdown)")
  static final class FinalizeStaged extends Base {
    @Override
    void run() throws IOException {
      if (!admin.open().finalizeStaged()) {
        out().println("No staged deployment");
      }
    }
  }

  @Command(name = "status", description = "List deployments")
  static final class Status extends Base {
    @Override
    void run() throws IOException {
      List<DeploymentStatus> status = admin.open().status();
      out().print(StatusFormatter.format(status));
    }
  }

  @Command(name = "undeploy", description = "Delete deployment INDEX")
  static final class Undeploy extends Base {
    @Parameters(paramLabel = "INDEX")
    int index;

    @Override
    void run() throws IOException {
      Deployment d = admin.open().undeploy(index);
      out().println("Deleted deployment " + d.dirName());
    }
  }

  @Command(name = "pin", description = "Change the \"pinning\" state of a deployment")
  static final class Pin extends Base {
    @Parameters(paramLabel = "INDEX")
    List<Integer> indexes;

    @Option(
        names = {"-u", "--unpin"},
        description = "Unset pin")
    boolean unpin;

    @Override
    void run() throws IOException {
      for (int index : indexes) {
        admin.open().setPinned(index, !unpin);
        out().println("Deployment " + index + " is now " + (unpin ? "unpinned" : "pinned"));
      }
    }
  }

  @Command(name = "rollback", description = "Make the previous deployment the default")
  static final class Rollback extends Base {
    @Override
    void run() throws IOException {
      Deployment d = admin.open().rollback();
      out().println("Default is now " + d.osname() + " " + d.dirName());
    }
  }

  @Command(name = "cleanup", description = "Delete unreferenced deployments and boot files")
  static final class Cleanup extends Base {
    @Override
    void run() throws IOException {
      admin.open().cleanup();
      admin.pruneRepository();
    }
  }

  @Command(name = "set-origin", description = "Set the refspec a deployment follows")
  static final class SetOrigin extends Base {
    @Parameters(paramLabel = "REFSPEC")
    String refspec;

    @Option(names = "--index", paramLabel = "INDEX", description = "Deployment (default: 0)")
    int index;

    @Override
    void run() throws IOException {
      admin.open().setOrigin(index, refspec);
    }
  }

  @Command(
      name = "kargs",
      description = "Change kernel arguments",
      subcommands = {KargsEditInPlace.class})
  static final class Kargs implements Runnable {
    @ParentCommand AdminCommand admin;

    @Override
    public void run() {
      throw new IllegalArgumentException("No kargs command specified (try kargs --help)");
    }
  }

  @Command(name = "edit-in-place", description = "Edit the kernel arguments of a deployment")
  static final class KargsEditInPlace implements Callable<Integer> {
    @ParentCommand Kargs kargs;

    @Option(names = "--append-if-missing", paramLabel = "KEY=VALUE")
    List<String> appendIfMissing = new ArrayList<>();

    @Option(names = "--delete-if-present", paramLabel = "KEY=VALUE")
    List<String> deleteIfPresent = new ArrayList<>();

    @Option(names = "--replace", paramLabel = "KEY=VALUE")
    List<String> replace = new ArrayList<>();

    @Option(names = "--index", paramLabel = "INDEX", description = "Deployment (default: 0)")
    int index;

    @Override
    public Integer call() throws IOException {
      Sysroot s = kargs.admin.open();
      List<Deployment> all = s.state().withStaged();
      if (index < 0 || index >= all.size()) {
        throw new SysrootException("Out of range deployment index " + index);
      }
      KernelArgs k = all.get(index).kargs();
      for (String a : appendIfMissing) {
        if (!k.args().contains(a)) {
          k = k.append(a);
        }
      }
      for (String d : deleteIfPresent) {
        k = k.delete(d);
      }
      for (String r : replace) {
        k = k.replace(r);
      }
      s.setKargs(index, k);
      return 0;
    }
  }

  @Command(name = "config-diff", description = "Diff /etc against the defaults (usr/etc)")
  static final class ConfigDiff extends Base {
    @Option(names = "--index", paramLabel = "INDEX", description = "Deployment (default: 0)")
    int index;

    @Override
    void run() throws IOException {
      EtcMerge.Diff diff = admin.open().configDiff(index);
      diff.lines().forEach(out()::println);
    }
  }
}
