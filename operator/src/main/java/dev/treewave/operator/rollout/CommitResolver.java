package dev.treewave.operator.rollout;

import dev.treewave.api.v1alpha1.ImageSource;

/** Turns a source into the commit to roll out: the pinned one, or the ref's current commit. */
public interface CommitResolver {
  String resolve(ImageSource source) throws Exception;
}
