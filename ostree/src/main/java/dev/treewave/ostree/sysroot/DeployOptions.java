package dev.treewave.ostree.sysroot;

import java.util.List;
import java.util.Optional;

/**
 * What {@code ostree admin deploy} takes. {@code kargs} replace existing keys ({@code --karg}),
 * {@code kargsAppend} always append ({@code --karg-append}), {@code kargsDelete} remove; {@code
 * kargsFromProcCmdline} starts from the running kernel's command line instead of the merge
 * deployment's. Build with {@link #of(String)} and the {@code with…} methods.
 */
public record DeployOptions(
    String refspec,
    Optional<String> osname,
    Optional<Origin> origin,
    List<String> kargs,
    List<String> kargsAppend,
    List<String> kargsDelete,
    boolean kargsFromProcCmdline,
    boolean kargsNone,
    boolean retain,
    boolean retainPending,
    boolean retainRollback,
    boolean notAsDefault,
    boolean noMerge,
    boolean stage) {

  public DeployOptions {
    kargs = List.copyOf(kargs);
    kargsAppend = List.copyOf(kargsAppend);
    kargsDelete = List.copyOf(kargsDelete);
    osname.ifPresent(o -> SysrootPaths.requireSafeName(o, "stateroot"));
  }

  public static DeployOptions of(String refspec) {
    return new DeployOptions(
        refspec,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        List.of(),
        List.of(),
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false);
  }

  public DeployOptions withOsname(String os) {
    return new DeployOptions(
        refspec,
        Optional.of(os),
        origin,
        kargs,
        kargsAppend,
        kargsDelete,
        kargsFromProcCmdline,
        kargsNone,
        retain,
        retainPending,
        retainRollback,
        notAsDefault,
        noMerge,
        stage);
  }

  public DeployOptions withOrigin(Origin o) {
    return new DeployOptions(
        refspec,
        osname,
        Optional.of(o),
        kargs,
        kargsAppend,
        kargsDelete,
        kargsFromProcCmdline,
        kargsNone,
        retain,
        retainPending,
        retainRollback,
        notAsDefault,
        noMerge,
        stage);
  }

  public DeployOptions withKargs(List<String> replace, List<String> append, List<String> delete) {
    return new DeployOptions(
        refspec,
        osname,
        origin,
        replace,
        append,
        delete,
        kargsFromProcCmdline,
        kargsNone,
        retain,
        retainPending,
        retainRollback,
        notAsDefault,
        noMerge,
        stage);
  }

  public DeployOptions withKargsFromProcCmdline(boolean on) {
    return new DeployOptions(
        refspec,
        osname,
        origin,
        kargs,
        kargsAppend,
        kargsDelete,
        on,
        kargsNone,
        retain,
        retainPending,
        retainRollback,
        notAsDefault,
        noMerge,
        stage);
  }

  public DeployOptions withKargsNone(boolean on) {
    return new DeployOptions(
        refspec,
        osname,
        origin,
        kargs,
        kargsAppend,
        kargsDelete,
        kargsFromProcCmdline,
        on,
        retain,
        retainPending,
        retainRollback,
        notAsDefault,
        noMerge,
        stage);
  }

  public DeployOptions withRetain(boolean all, boolean pending, boolean rollback) {
    return new DeployOptions(
        refspec,
        osname,
        origin,
        kargs,
        kargsAppend,
        kargsDelete,
        kargsFromProcCmdline,
        kargsNone,
        all,
        pending,
        rollback,
        notAsDefault,
        noMerge,
        stage);
  }

  public DeployOptions withNotAsDefault(boolean on) {
    return new DeployOptions(
        refspec,
        osname,
        origin,
        kargs,
        kargsAppend,
        kargsDelete,
        kargsFromProcCmdline,
        kargsNone,
        retain,
        retainPending,
        retainRollback,
        on,
        noMerge,
        stage);
  }

  public DeployOptions withNoMerge(boolean on) {
    return new DeployOptions(
        refspec,
        osname,
        origin,
        kargs,
        kargsAppend,
        kargsDelete,
        kargsFromProcCmdline,
        kargsNone,
        retain,
        retainPending,
        retainRollback,
        notAsDefault,
        on,
        stage);
  }

  public DeployOptions withStage(boolean on) {
    return new DeployOptions(
        refspec,
        osname,
        origin,
        kargs,
        kargsAppend,
        kargsDelete,
        kargsFromProcCmdline,
        kargsNone,
        retain,
        retainPending,
        retainRollback,
        notAsDefault,
        noMerge,
        on);
  }

  boolean overridesKargs() {
    return kargsNone
        || kargsFromProcCmdline
        || !kargs.isEmpty()
        || !kargsAppend.isEmpty()
        || !kargsDelete.isEmpty();
  }
}
