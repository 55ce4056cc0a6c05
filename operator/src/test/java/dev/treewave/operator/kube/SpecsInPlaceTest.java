package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.api.v1alpha1.OSImage;
import org.junit.jupiter.api.Test;

class SpecsInPlaceTest {
  private static final String T1 = "a".repeat(64);
  private static final String T2 = "b".repeat(64);

  private static OSImage image(String uid, Long generation) {
    OSImage image = new OSImage();
    image.getMetadata().setName("img");
    image.getMetadata().setUid(uid);
    image.getMetadata().setGeneration(generation);
    return image;
  }

  @Test
  void aMatchHoldsWhileTheOSNodeVersionTheSpecAndTheTargetStay() {
    SpecsInPlace specs = new SpecsInPlace();
    specs.pass(image("u1", 3L), T1).matched("n1", "10");

    SpecsInPlace.Pass next = specs.pass(image("u1", 3L), T1);
    assertThat(next.matches("n1", "10")).isTrue();
    assertThat(next.matches("n1", "11")).as("the OSNode changed").isFalse();
    assertThat(next.matches("n2", "10")).as("another node").isFalse();
  }

  @Test
  void aNewGenerationTargetOrOSImageStartsAfresh() {
    SpecsInPlace specs = new SpecsInPlace();
    specs.pass(image("u1", 3L), T1).matched("n1", "10");

    assertThat(specs.pass(image("u1", 4L), T1).matches("n1", "10")).as("spec edited").isFalse();
    specs.pass(image("u1", 4L), T1).matched("n1", "10");
    assertThat(specs.pass(image("u1", 4L), T2).matches("n1", "10")).as("new target").isFalse();
    specs.pass(image("u1", 4L), T2).matched("n1", "10");
    assertThat(specs.pass(image("u2", 4L), T2).matches("n1", "10"))
        .as("deleted and created again under the same name")
        .isFalse();
  }

  @Test
  void withoutUidOrGenerationNothingIsRemembered() {
    SpecsInPlace specs = new SpecsInPlace();
    specs.pass(image(null, 1L), T1).matched("n1", "10");
    specs.pass(image("u1", null), T1).matched("n1", "10");

    assertThat(specs.pass(image(null, 1L), T1).matches("n1", "10")).isFalse();
    assertThat(specs.pass(image("u1", null), T1).matches("n1", "10")).isFalse();
  }

  @Test
  void aForgottenOSImageStartsAfresh() {
    SpecsInPlace specs = new SpecsInPlace();
    specs.pass(image("u1", 1L), T1).matched("n1", "10");
    specs.forget("img");

    assertThat(specs.pass(image("u1", 1L), T1).matches("n1", "10")).isFalse();
  }
}
