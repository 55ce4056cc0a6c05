package dev.treewave.agent.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's boundaries, held by the build: its journalled state machine decides from host facts
 * and the instruction alone, with no Kubernetes types, so a crash at any point can be replayed in a
 * unit test; the packages form no cycle.
 */
class ArchitectureTest {
  private static JavaClasses agent;

  @BeforeAll
  static void importClasses() {
    agent =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.treewave.agent");
  }

  @Test
  void theStateMachineKnowsNoKubernetesTypes() {
    noClasses()
        .that()
        .resideInAPackage("dev.treewave.agent.state..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8..",
            "dev.treewave.api..",
            "dev.treewave.agent.kube..",
            "dev.treewave.agent.http..")
        .because("the state machine is driven through ports; Kubernetes is one adapter of them")
        .check(agent);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.treewave.agent.(*)..").should().beFreeOfCycles().check(agent);
  }
}
