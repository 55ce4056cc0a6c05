package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "refs", description = "List refs, or create/delete them")
final class RefsCommand extends RepoCommand {
  @Option(names = "--delete", description = "Delete refs matching the prefixes")
  boolean delete;

  @Option(
      names = "--create",
      paramLabel = "NEWREF",
      description = "Create NEWREF pointing at the given commit")
  String create;

  @Option(names = "--list", description = "Do not remove the prefix from refs")
  boolean list;

  @Option(names = {"-c", "--collections"})
  boolean collections;

  @Parameters(paramLabel = "PREFIX")
  List<String> args = new ArrayList<>();

  @Override
  int execute() {
    OstreeRepo repo = repo();
    if (create != null) {
      if (args.size() != 1) {
        throw new IllegalArgumentException("--create requires exactly one existing ref or commit");
      }
      ObjectId target = repo.resolveRev(args.get(0));
      if (repo.refs().read(create).isPresent()) {
        throw new IllegalArgumentException("Ref '" + create + "' already exists");
      }
      repo.refs().write(create, target);
      return 0;
    }
    if (collections) {
      for (Map.Entry<String, Map<String, ObjectId>> c :
          repo.refs().listCollectionRefs().entrySet()) {
        c.getValue().keySet().forEach(r -> out().println("(" + c.getKey() + ", " + r + ")"));
      }
      repo.collectionId()
          .ifPresent(
              cid ->
                  repo.refs().list().keySet().stream()
                      .filter(r -> !r.contains(":"))
                      .forEach(r -> out().println("(" + cid + ", " + r + ")")));
      return 0;
    }
    Map<String, ObjectId> refs = repo.refs().list();
    List<String> prefixes = args.isEmpty() ? List.of("") : args;
    for (String name : refs.keySet()) {
      for (String prefix : prefixes) {
        if (matches(name, prefix)) {
          if (delete) {
            repo.refs().delete(name);
          } else {
            out().println(prefix.isEmpty() || list ? name : stripPrefix(name, prefix));
          }
          break;
        }
      }
    }
    return 0;
  }

  private static boolean matches(String ref, String prefix) {
    if (prefix.isEmpty()) {
      return true;
    }
    if (prefix.endsWith(":")) {
      return ref.startsWith(prefix);
    }
    return ref.equals(prefix) || ref.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
  }

  private static String stripPrefix(String ref, String prefix) {
    if (ref.equals(prefix)) {
      return ref;
    }
    String p = prefix.endsWith("/") || prefix.endsWith(":") ? prefix : prefix + "/";
    return ref.substring(p.length());
  }
}
