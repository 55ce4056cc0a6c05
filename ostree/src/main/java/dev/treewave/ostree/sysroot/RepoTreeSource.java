package dev.treewave.ostree.sysroot;

import dev.treewave.ostree.checkout.Checkout;
import dev.treewave.ostree.checkout.CheckoutOptions;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import java.nio.file.Path;
import java.util.Optional;

/** The sysroot's {@link TreeSource} on our own object store ({@code ostree/repo}). */
public final class RepoTreeSource implements TreeSource {

  private final OstreeRepo repo;

  public RepoTreeSource(OstreeRepo repo) {
    this.repo = repo;
  }

  /** The system repository of the sysroot at {@code root}. */
  public static RepoTreeSource forSysroot(Path root) {
    return new RepoTreeSource(OstreeRepo.open(root.resolve("ostree/repo")));
  }

  public OstreeRepo repo() {
    return repo;
  }

  @Override
  public String resolve(String refspec) {
    return repo.resolveRev(refspec).hex();
  }

  @Override
  public void checkout(String commit, Path destination) {
    // Hardlinks are what makes a deployment cheap and what libostree does in a bare repo.
    new Checkout(repo, CheckoutOptions.defaults().withRequireHardlinks(true))
        .checkout(ObjectId.parse(commit), destination);
  }

  @Override
  public Optional<String> version(String commit) {
    return repo.readCommit(ObjectId.parse(commit)).version();
  }
}
