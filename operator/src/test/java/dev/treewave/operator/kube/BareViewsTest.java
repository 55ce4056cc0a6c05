package dev.treewave.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.operator.plan.NodeView;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import org.junit.jupiter.api.Test;

/** A view is rebuilt exactly when what it was built from changed. */
class BareViewsTest {
  private static final String T1 = "a".repeat(64);
  private static final String T2 = "b".repeat(64);

  private static Node node(String name, String version, boolean unschedulable) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withResourceVersion(version)
        .endMetadata()
        .withNewSpec()
        .withUnschedulable(unschedulable)
        .endSpec()
        .build();
  }

  private static NodeView once(BareViews views, String target, Node node) {
    BareViews.Pass pass = views.pass("img", target);
    NodeView view = pass.of(node, null);
    pass.done();
    return view;
  }

  @Test
  void theSameVersionsAndTargetGiveTheViewOfTheLastPass() {
    BareViews views = new BareViews();
    NodeView first = once(views, T1, node("n1", "10", false));

    assertThat(once(views, T1, node("n1", "10", false))).isSameAs(first);
  }

  @Test
  void aNewNodeVersionOrTargetIsReadAgain() {
    BareViews views = new BareViews();
    NodeView first = once(views, T1, node("n1", "10", false));

    NodeView cordoned = once(views, T1, node("n1", "11", true));
    assertThat(cordoned).isNotSameAs(first);
    assertThat(cordoned.unschedulable()).isTrue();
    assertThat(once(views, T2, node("n1", "11", true))).isNotSameAs(cordoned);
  }

  @Test
  void aNodeMissingFromAPassIsForgotten() {
    BareViews views = new BareViews();
    NodeView first = once(views, T1, node("n1", "10", false));
    once(views, T1, node("n2", "20", false));

    assertThat(once(views, T1, node("n1", "10", false))).isNotSameAs(first);
  }
}
