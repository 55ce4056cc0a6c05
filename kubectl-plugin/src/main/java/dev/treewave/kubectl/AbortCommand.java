package dev.treewave.kubectl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "abort",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the rollout now; uncordon nodes not yet rebooting.",
      "Sets the treewave.dev/abort annotation: nothing more is cordoned, staged or activated,"
          + " nodes cordoned but not yet rebooting are uncordoned, nodes already rebooting finish."
          + " Updated nodes stay updated (rollback sends them back). Undo with resume."
    })
final class AbortCommand extends OSImageWrite {
  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why, shown in the OSImage's status (default: who aborted).")
  String reason;

  private String why() {
    return reason != null && !reason.isBlank()
        ? reason
        : "aborted with kubectl treewave by " + System.getProperty("user.name", "someone");
  }

  @Override
  String patch() {
    return OSImageEdits.abort(why());
  }

  @Override
  String done() {
    return "aborted: " + why();
  }
}
