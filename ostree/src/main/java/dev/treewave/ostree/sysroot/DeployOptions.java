package dev.treewave.ostree.sysroot;

import java.util.List;
import java.util.Optional;

/**
 * What {@code ostree admin deploy} takes. {@code kargs} replace existing keys ({@code --karg}),
 * {@code kargsAppend} always append ({@code --karg-append}), {@code kargsDelete} remove; {@code
 * kargsFromProcCmdline} starts from the running kernel's command line instead of the merge
 * deployment's. {@code lockFinalization} (with {@code stage}) keeps a shutdown from finalizing the
 * staged deployment until {@link Sysroot#finalizeStaged(boolean)} is asked to. Build with {@link
 * #of(String)} and the {@code with…} methods.
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
    boolean stage,
    boolean lockFinalization) {

  public DeployOptions {
    kargs = List.copyOf(kargs);
    kargsAppend = List.copyOf(kargsAppend);
    kargsDelete = List.copyOf(kargsDelete);
    osname.ifPresent(o -> SysrootPaths.requireSafeName(o, "stateroot"));
  }

  public static DeployOptions of(String refspec) {
    return new Builder(refspec).build();
  }

  public DeployOptions withOsname(String os) {
    return edit(b -> b.osname = Optional.of(os));
  }

  public DeployOptions withOrigin(Origin o) {
    return edit(b -> b.origin = Optional.of(o));
  }

  public DeployOptions withKargs(List<String> replace, List<String> append, List<String> delete) {
    return edit(
        b -> {
          b.kargs = replace;
          b.kargsAppend = append;
          b.kargsDelete = delete;
        });
  }

  public DeployOptions withKargsFromProcCmdline(boolean on) {
    return edit(b -> b.kargsFromProcCmdline = on);
  }

  public DeployOptions withKargsNone(boolean on) {
    return edit(b -> b.kargsNone = on);
  }

  public DeployOptions withRetain(boolean all, boolean pending, boolean rollback) {
    return edit(
        b -> {
          b.retain = all;
          b.retainPending = pending;
          b.retainRollback = rollback;
        });
  }

  public DeployOptions withNotAsDefault(boolean on) {
    return edit(b -> b.notAsDefault = on);
  }

  public DeployOptions withNoMerge(boolean on) {
    return edit(b -> b.noMerge = on);
  }

  public DeployOptions withStage(boolean on) {
    return edit(b -> b.stage = on);
  }

  public DeployOptions withLockFinalization(boolean on) {
    return edit(b -> b.lockFinalization = on);
  }

  private DeployOptions edit(java.util.function.Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }

  /** Mutable scratch copy used by the {@code with…} methods. */
  private static final class Builder {
    String refspec;
    Optional<String> osname = Optional.empty();
    Optional<Origin> origin = Optional.empty();
    List<String> kargs = List.of();
    List<String> kargsAppend = List.of();
    List<String> kargsDelete = List.of();
    boolean kargsFromProcCmdline;
    boolean kargsNone;
    boolean retain;
    boolean retainPending;
    boolean retainRollback;
    boolean notAsDefault;
    boolean noMerge;
    boolean stage;
    boolean lockFinalization;

    Builder(String refspec) {
      this.refspec = refspec;
    }

    Builder(DeployOptions o) {
      refspec = o.refspec;
      osname = o.osname;
      origin = o.origin;
      kargs = o.kargs;
      kargsAppend = o.kargsAppend;
      kargsDelete = o.kargsDelete;
      kargsFromProcCmdline = o.kargsFromProcCmdline;
      kargsNone = o.kargsNone;
      retain = o.retain;
      retainPending = o.retainPending;
      retainRollback = o.retainRollback;
      notAsDefault = o.notAsDefault;
      noMerge = o.noMerge;
      stage = o.stage;
      lockFinalization = o.lockFinalization;
    }

    DeployOptions build() {
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
          stage,
          lockFinalization);
    }
  }
}
