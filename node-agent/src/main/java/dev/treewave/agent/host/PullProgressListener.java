package dev.treewave.agent.host;

/** Receives progress while a pull runs; called on the pulling thread, so it must be quick. */
@FunctionalInterface
public interface PullProgressListener {
  void onProgress(PullProgress progress);
}
