package dev.treewave.ostree.sysroot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pure rules for the new deployment list (libostree's "simple write deployment", ostree-format.md
 * section 7.6) and for kernel arguments of a new deployment.
 */
final class DeploymentPlanner {

  private DeploymentPlanner() {}

  static List<Deployment> planDeploy(
      List<Deployment> current,
      Deployment added,
      Optional<Deployment.Id> booted,
      Optional<Deployment> merge,
      DeployOptions opts) {
    boolean retain = opts.retain();
    if (booted.isEmpty() && merge.isEmpty() && (opts.retainPending() || opts.retainRollback())) {
      retain = true; // nothing to cross over: both mean "keep everything"
    }
    Optional<Deployment.Id> mergeId = merge.map(Deployment::id);
    List<Deployment> out = new ArrayList<>();
    boolean addedNew = false;
    if (!opts.notAsDefault()) {
      out.add(added);
      addedNew = true;
    }
    boolean beforeBooted = true;
    boolean beforeMerge = true;
    for (Deployment d : current) {
      boolean isBooted = booted.isPresent() && booted.get().equals(d.id());
      boolean isMerge = mergeId.isPresent() && mergeId.get().equals(d.id());
      boolean passedCrossover = booted.isPresent() ? !beforeBooted : !beforeMerge;
      boolean keep =
          retain
              || d.pinned()
              || !d.osname().equals(added.osname())
              || isBooted
              || isMerge
              || (!passedCrossover && opts.retainPending())
              || (passedCrossover && opts.retainRollback());
      if (keep) {
        out.add(d);
      }
      if (isBooted) {
        beforeBooted = false;
      }
      if (isMerge) {
        beforeMerge = false;
      }
      if (!addedNew && (isBooted || isMerge)) {
        out.add(added);
        addedNew = true;
      }
    }
    if (!addedNew) {
      out.add(added);
    }
    return out;
  }

  /** Kernel arguments for a new deployment (ostree-format.md section 7.2 step 6). */
  static KernelArgs planKargs(DeployOptions opts, Optional<Deployment> merge, String procCmdline) {
    KernelArgs base;
    if (opts.kargsNone()) {
      base = KernelArgs.empty();
    } else if (opts.kargsFromProcCmdline()) {
      base = KernelArgs.parse(procCmdline);
    } else {
      base = merge.map(Deployment::kargs).orElse(KernelArgs.empty());
    }
    for (String k : opts.kargs()) {
      base = base.replace(k);
    }
    for (String k : opts.kargsAppend()) {
      base = base.append(k);
    }
    for (String k : opts.kargsDelete()) {
      base = base.delete(k);
    }
    return base;
  }
}
