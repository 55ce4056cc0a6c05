package dev.treewave.ostree.commit;

import dev.treewave.ostree.checkout.Checkout;
import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.fsck.Fsck;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import java.nio.file.Path;

/**
 * A JVM that embeds the library without the launcher (so with whatever locale it was given), for
 * {@link Utf8NamesWithoutLocaleIT}: {@code commit REPO TREE BRANCH TIMESTAMP} prints the commit's
 * checksum, {@code checkout REPO BRANCH TARGET} checks out in user mode. The first line of stdout
 * is this JVM's {@code sun.jnu.encoding}; an error is one line on stderr and exit code 1.
 */
public final class Utf8NamesChild {
  private Utf8NamesChild() {}

  public static void main(String[] args) {
    System.out.println(System.getProperty("sun.jnu.encoding"));
    try {
      OstreeRepo repo = OstreeRepo.open(Path.of(args[1]));
      if (args[0].equals("commit")) {
        CommitOptions options =
            CommitOptions.builder()
                .branch(args[3])
                .subject("names")
                .timestamp(Long.parseLong(args[4]))
                .tree(Path.of(args[2]))
                .build();
        System.out.println(new TreeCommitter(repo, options).commit().commit());
      } else if (args[0].equals("checkout")) {
        CheckoutOptions options =
            args[4].equals("user") ? CheckoutOptions.user() : CheckoutOptions.defaults();
        new Checkout(repo, options).checkout(args[2], Path.of(args[3]));
      } else {
        Fsck.Report report = new Fsck(repo).run();
        if (!report.ok()) {
          System.err.println(String.join("; ", report.errors()));
          System.exit(1);
        }
      }
    } catch (OstreeException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
