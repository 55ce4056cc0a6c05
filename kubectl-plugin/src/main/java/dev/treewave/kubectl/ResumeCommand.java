package dev.treewave.kubectl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Go on after pause or abort.",
      "Drops spec.paused and the treewave.dev/abort annotation. --wave N also lifts the"
          + " untilResumed pause before wave N."
    })
final class ResumeCommand extends OSImageWrite {
  @Option(
      names = "--wave",
      paramLabel = "N",
      description = "Lift the untilResumed pause before wave N (the canary is wave 0).")
  Integer wave;

  @Override
  String patch() {
    if (wave != null && wave < 1) {
      throw new IllegalArgumentException("--wave must be 1 or more (no pause comes before wave 0)");
    }
    return OSImageEdits.resume(wave);
  }

  @Override
  String done() {
    return "resumed" + (wave != null ? " (wave " + wave + " may start)" : "");
  }
}
