package dev.treewave.operator.rollout;

import dev.treewave.api.v1alpha1.OSImage;

/** Kubernetes Events about an OSImage: every decision a person would want to see. */
public interface EventSink {
  void normal(OSImage image, String reason, String message);

  void warning(OSImage image, String reason, String message);
}
