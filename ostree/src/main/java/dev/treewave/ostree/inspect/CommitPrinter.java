package dev.treewave.ostree.inspect;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.OstreeRepo;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** Renders commits exactly as {@code ostree show} and {@code ostree log} do. */
public final class CommitPrinter {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '+0000'").withZone(ZoneOffset.UTC);

  private CommitPrinter() {}

  public static String show(ObjectId id, Commit c) {
    StringBuilder sb = new StringBuilder();
    sb.append("commit ").append(id.hex()).append('\n');
    c.parent().ifPresent(p -> sb.append("Parent:  ").append(p.hex()).append('\n'));
    sb.append("ContentChecksum:  ").append(c.contentChecksum().hex()).append('\n');
    sb.append("Date:  ").append(DATE.format(Instant.ofEpochSecond(c.timestamp()))).append('\n');
    c.version().ifPresent(v -> sb.append("Version: ").append(v).append('\n'));
    if (c.subject().isEmpty()) {
      sb.append("(no subject)\n");
    } else {
      sb.append('\n');
      indent(sb, c.subject());
    }
    if (!c.body().isEmpty()) {
      sb.append('\n');
      indent(sb, c.body());
    }
    sb.append('\n');
    return sb.toString();
  }

  private static void indent(StringBuilder sb, String text) {
    for (String line : text.split("\n", -1)) {
      sb.append("    ").append(line).append('\n');
    }
  }

  /** The commit and its ancestors, newest first. */
  public static String log(OstreeRepo repo, ObjectId start) {
    StringBuilder sb = new StringBuilder();
    Optional<ObjectId> next = Optional.of(start);
    while (next.isPresent()) {
      ObjectId id = next.get();
      if (!repo.hasObject(ObjectType.COMMIT, id)) {
        sb.append("<< History beyond this commit not fetched >>\n");
        break;
      }
      Commit c = repo.readCommit(id);
      sb.append(show(id, c));
      next = c.parent();
    }
    return sb.toString();
  }
}
