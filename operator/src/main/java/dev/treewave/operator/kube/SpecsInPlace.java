package dev.treewave.operator.kube;

import dev.treewave.api.v1alpha1.OSImage;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OSNodes found to carry the spec their OSImage wants, per OSImage. While an OSNode's
 * resourceVersion stays and the OSImage (same uid and generation) wants the same target, its spec
 * still matches, so a pass need not build the wanted spec and compare it again: at 1000 nodes that
 * comparison on every pass was a sixth of a reconcile's CPU (operator/bench). Any change to the
 * OSImage's spec or target starts afresh.
 */
final class SpecsInPlace {
  private record Wanted(String uid, Long generation, String target) {}

  private record Seen(Wanted wanted, Map<String, String> versions) {}

  private final Map<String, Seen> byImage = new ConcurrentHashMap<>();

  /** The OSNodes known to match for {@code image} and {@code target}; one per pass. */
  Pass pass(OSImage image, String target) {
    Wanted wanted =
        new Wanted(image.getMetadata().getUid(), image.getMetadata().getGeneration(), target);
    String name = image.getMetadata().getName();
    Seen seen = byImage.get(name);
    if (seen == null || !seen.wanted().equals(wanted)) {
      seen = new Seen(wanted, new ConcurrentHashMap<>());
      byImage.put(name, seen);
    }
    // Without a uid or generation (objects built by hand) nothing can be told apart: no memory.
    boolean usable = wanted.uid() != null && wanted.generation() != null;
    return new Pass(usable ? seen.versions() : new ConcurrentHashMap<>());
  }

  /** The OSImage is gone. */
  void forget(String image) {
    byImage.remove(image);
  }

  static final class Pass {
    private final Map<String, String> versions;

    private Pass(Map<String, String> versions) {
      this.versions = versions;
    }

    /** Whether {@code node}'s OSNode at {@code resourceVersion} was seen to match. */
    boolean matches(String node, String resourceVersion) {
      return resourceVersion != null && Objects.equals(versions.get(node), resourceVersion);
    }

    void matched(String node, String resourceVersion) {
      if (resourceVersion != null) {
        versions.put(node, resourceVersion);
      }
    }
  }
}
