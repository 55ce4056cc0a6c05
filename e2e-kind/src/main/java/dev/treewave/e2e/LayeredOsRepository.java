package dev.treewave.e2e;

import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.commit.TreeSource;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.Signatures;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Signer;
import dev.treewave.ostree.summary.SummaryWriter;
import dev.treewave.testing.http.StaticRepoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * An OS image server for machines that already run a base commit: an {@code archive} repository
 * that holds the base commit's metadata (commit, dirtrees, dirmetas) but none of its file contents,
 * and new commits made as small overlays on top of it, ed25519-signed, served over HTTP on
 * 127.0.0.1. A machine that has the base pulls a new commit from it like from a full repository (a
 * pull only fetches the objects it lacks), while building it costs seconds, not the minutes of
 * compressing a whole OS again.
 */
public final class LayeredOsRepository implements AutoCloseable {

  private final OstreeRepo repo;
  private final String ref;
  private final Ed25519Signer signer;
  private final StaticRepoServer server;

  private LayeredOsRepository(
      OstreeRepo repo, String ref, Ed25519Signer signer, StaticRepoServer server) {
    this.repo = repo;
    this.ref = ref;
    this.signer = signer;
    this.server = server;
  }

  /**
   * Creates the repository under {@code dir} with the metadata of {@code base} (and of every other
   * commit) from {@code source}, and starts serving it.
   */
  public static LayeredOsRepository create(Path dir, OstreeRepo source, String ref)
      throws IOException {
    OstreeRepo repo = OstreeRepo.init(dir, RepoMode.ARCHIVE);
    // Metadata objects are stored alike in every repository mode: copied as they are.
    for (ObjectType type : List.of(ObjectType.DIR_META, ObjectType.DIR_TREE, ObjectType.COMMIT)) {
      for (ObjectId id : source.listObjects(type)) {
        repo.writeMetadata(type, source.readMetadata(type, id));
      }
    }
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    StaticRepoServer server = StaticRepoServer.start(dir, new InetSocketAddress("127.0.0.1", 0));
    return new LayeredOsRepository(repo, ref, new Ed25519Signer(seed), server);
  }

  /**
   * Commits {@code overlay} on top of the tree of {@code parent} to the ref, signs it and the
   * summary; returns the new commit.
   */
  public String commitOnTop(String parent, Path overlay, String version) {
    ObjectId id =
        new TreeCommitter(
                repo,
                CommitOptions.builder()
                    .branch(ref)
                    .parent(ObjectId.parse(parent))
                    .subject("version " + version)
                    .addMetadataString("version", version)
                    // As they are (root's files: the E2Es run as root). A rewrite would re-store
                    // every file of the parent, whose contents this repository does not have.
                    .canonicalPermissions(false)
                    .tree(new TreeSource.Ref(parent))
                    .tree(overlay)
                    .build())
            .commit()
            .commit();
    Signatures.signCommit(repo, id, signer);
    repo.refs().write(ref, id);
    byte[] summary = SummaryWriter.update(repo, Map.of());
    SummaryWriter.writeSignatures(
        repo, Signatures.append(Map.of(), signer.metadataKey(), signer.sign(summary)));
    return id.hex();
  }

  /** The ed25519 public key (base64) that signs the commits. */
  public String publicKey() {
    return Ed25519Keys.publicKeyString(signer.publicKey());
  }

  /** Where it is served, on 127.0.0.1. */
  public int port() {
    return server.port();
  }

  /** How many object files the server has handed out so far. */
  public long objectDownloads() {
    return server.requests().stream()
        .filter(r -> r.status() == 200 && r.path().contains("/objects/"))
        .count();
  }

  @Override
  public void close() {
    server.close();
  }
}
