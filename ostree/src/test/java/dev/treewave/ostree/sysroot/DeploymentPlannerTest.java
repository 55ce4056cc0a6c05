package dev.treewave.ostree.sysroot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** libostree's rules for the new deployment list and the new kernel arguments. */
class DeploymentPlannerTest {

  private static Deployment dep(String os, char c, boolean pinned) {
    Origin o = Origin.ofRefspec("r").withPinned(pinned);
    return new Deployment(
        os,
        String.valueOf(c).repeat(64),
        0,
        "b".repeat(64),
        0,
        KernelArgs.empty(),
        Optional.of(o),
        false);
  }

  private static List<Character> names(List<Deployment> list) {
    return list.stream().map(d -> d.csum().charAt(0)).toList();
  }

  private final Deployment v1 = dep("os", '1', false);
  private final Deployment v2 = dep("os", '2', false);
  private final Deployment v3 = dep("os", '3', false);
  private final Deployment other = dep("other", '9', false);
  private final Deployment added = dep("os", '4', false);

  @Test
  void notBootedKeepsMergePinnedAndOtherStateroots() {
    Deployment pinned = dep("os", '1', true);
    List<Deployment> out =
        DeploymentPlanner.planDeploy(
            List.of(v2, pinned, v3, other),
            added,
            Optional.empty(),
            Optional.of(v2),
            DeployOptions.of("x"));
    assertThat(names(out)).containsExactly('4', '2', '1', '9');
  }

  @Test
  void bootedKeepsBootedAndMergeOnly() {
    List<Deployment> out =
        DeploymentPlanner.planDeploy(
            List.of(v3, v2, v1),
            added,
            Optional.of(v2.id()),
            Optional.of(v2),
            DeployOptions.of("x"));
    assertThat(names(out)).containsExactly('4', '2');
  }

  @Test
  void retainOptions() {
    DeployOptions rollback = DeployOptions.of("x").withRetain(false, false, true);
    assertThat(
            names(
                DeploymentPlanner.planDeploy(
                    List.of(v3, v2, v1), added, Optional.of(v2.id()), Optional.of(v2), rollback)))
        .containsExactly('4', '2', '1');
    DeployOptions pending = DeployOptions.of("x").withRetain(false, true, false);
    assertThat(
            names(
                DeploymentPlanner.planDeploy(
                    List.of(v3, v2, v1), added, Optional.of(v2.id()), Optional.of(v2), pending)))
        .containsExactly('4', '3', '2');
    DeployOptions all = DeployOptions.of("x").withRetain(true, false, false);
    assertThat(
            names(
                DeploymentPlanner.planDeploy(
                    List.of(v3, v2, v1), added, Optional.of(v2.id()), Optional.of(v2), all)))
        .containsExactly('4', '3', '2', '1');
  }

  @Test
  void notAsDefaultGoesRightAfterTheBootedOne() {
    DeployOptions opts =
        DeployOptions.of("x").withNotAsDefault(true).withRetain(true, false, false);
    assertThat(
            names(
                DeploymentPlanner.planDeploy(
                    List.of(v3, v2, v1), added, Optional.of(v2.id()), Optional.of(v2), opts)))
        .containsExactly('3', '2', '4', '1');
  }

  @Test
  void kargsInheritReplaceAppendDelete() {
    Deployment merge = v1.withKargs(KernelArgs.parse("root=/dev/vda1 ostree=/old quiet"));
    DeployOptions opts =
        DeployOptions.of("x").withKargs(List.of("root=/dev/vda2"), List.of("quiet"), List.of());
    assertThat(DeploymentPlanner.planKargs(opts, Optional.of(merge), "").toString())
        .isEqualTo("root=/dev/vda2 ostree=/old quiet quiet");
    assertThat(
            DeploymentPlanner.planKargs(
                    DeployOptions.of("x").withKargsNone(true), Optional.of(merge), "")
                .args())
        .isEmpty();
    assertThat(
            DeploymentPlanner.planKargs(
                    DeployOptions.of("x").withKargsFromProcCmdline(true),
                    Optional.of(merge),
                    "console=ttyS0\n")
                .toString())
        .isEqualTo("console=ttyS0");
    assertThat(
            BootWriter.assignBootserials(List.of(v1, v2, other)).stream()
                .map(Deployment::bootserial)
                .toList())
        .containsExactly(0, 1, 0);
  }
}
