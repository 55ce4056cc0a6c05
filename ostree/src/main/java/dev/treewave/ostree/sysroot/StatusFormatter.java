package dev.treewave.ostree.sysroot;

import java.util.List;

/** Renders {@link Sysroot#status()} exactly like {@code ostree admin status} (2022.7). */
public final class StatusFormatter {

  private StatusFormatter() {}

  public static String format(List<DeploymentStatus> status) {
    if (status.isEmpty()) {
      return "No deployments.\n";
    }
    StringBuilder out = new StringBuilder();
    for (DeploymentStatus s : status) {
      Deployment d = s.deployment();
      String marker =
          s.staged() ? " (staged)" : s.pending() ? " (pending)" : s.rollback() ? " (rollback)" : "";
      out.append(s.booted() ? '*' : ' ')
          .append(' ')
          .append(d.osname())
          .append(' ')
          .append(d.dirName())
          .append(marker)
          .append('\n');
      s.version().ifPresent(v -> out.append("    Version: ").append(v).append('\n'));
      d.origin()
          .flatMap(Origin::unlocked)
          .filter(u -> !u.equals("none"))
          .ifPresent(u -> out.append("    Unlocked: ").append(u).append('\n'));
      if (s.pinned()) {
        out.append("    Pinned: yes\n");
      }
      if (d.origin().isEmpty()) {
        out.append("    origin: none\n");
      } else if (d.origin().get().refspec().isPresent()) {
        out.append("    origin refspec: ").append(d.origin().get().refspec().get()).append('\n');
      } else {
        out.append("    origin: <unknown origin type>\n");
      }
    }
    return out.toString();
  }
}
