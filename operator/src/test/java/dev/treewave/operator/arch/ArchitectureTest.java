package dev.treewave.operator.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's boundaries, held by the build instead of by convention: the planner decides from
 * plain values and never talks to Kubernetes, so it can be tested (and previewed) without a
 * cluster; the packages form no cycle.
 */
class ArchitectureTest {
  private static JavaClasses operator;

  @BeforeAll
  static void importClasses() {
    operator =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.treewave.operator");
  }

  @Test
  void thePlannerKnowsNoKubernetesTypes() {
    noClasses()
        .that()
        .resideInAPackage("dev.treewave.operator.plan..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8..",
            "io.javaoperatorsdk..",
            "dev.treewave.api..",
            "dev.treewave.operator.kube..",
            "dev.treewave.operator.rollout..",
            "dev.treewave.operator.status..")
        .because("the planner is a pure function of a RolloutSnapshot; effects live behind ports")
        .check(operator);
  }

  @Test
  void thePlannerDoesNoInputOrOutput() {
    noClasses()
        .that()
        .resideInAPackage("dev.treewave.operator.plan..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.io..", "java.nio..", "java.net..", "java.util.concurrent..")
        .because("time and cluster state come in through the snapshot, never from the planner")
        .check(operator);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.treewave.operator.(*)..").should().beFreeOfCycles().check(operator);
  }
}
