package dev.treewave.kubectl;

import picocli.CommandLine.Command;

@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    description = {
      "Stop disrupting new nodes (spec.paused).",
      "Nodes already cordoned finish their update. A GitOps tool that owns the OSImage may set it"
          + " back: pause in Git there."
    })
final class PauseCommand extends OSImageWrite {
  @Override
  String patch() {
    return OSImageEdits.pause();
  }

  @Override
  String done() {
    return "paused";
  }
}
