package dev.treewave.ostree.hostile;

import dev.treewave.ostree.cli.OstreeCli;
import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.pull.Cli;
import dev.treewave.ostree.pull.TreeFixture;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.serve.StaticRepoServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Test helper: an honest archive repository (one commit of {@link TreeFixture#smallTree} on {@code
 * os}, checked by the real {@code ostree fsck}) served on 127.0.0.1, into which a test then drops
 * hand-made hostile files, and a fresh client repository with that server as remote {@code origin}.
 */
final class HostileRemote implements AutoCloseable {
  final Path src;
  final OstreeRepo repo;
  final ObjectId honest;
  final StaticRepoServer server;

  private HostileRemote(Path src, OstreeRepo repo, ObjectId honest, StaticRepoServer server) {
    this.src = src;
    this.repo = repo;
    this.honest = honest;
    this.server = server;
  }

  static HostileRemote start(Path tmp) throws IOException {
    Path src = tmp.resolve("src");
    OstreeRepo repo = OstreeRepo.init(src, RepoMode.ARCHIVE);
    TreeFixture.smallTree(tmp.resolve("tree"), "honest");
    ObjectId c1 =
        TreeFixture.commit(repo, tmp.resolve("tree"), "os", Optional.empty(), 1_700_000_000L);
    // the helper is right about the honest part: the real ostree accepts it
    Cli.ostree("fsck", Cli.repo(src)).ok();
    return new HostileRemote(
        src, repo, c1, StaticRepoServer.start(src, new InetSocketAddress("127.0.0.1", 0)));
  }

  /** Writes {@code bytes} as {@code objects/XX/REST.EXT} under its own checksum. */
  ObjectId writeRawObject(String ext, byte[] bytes) throws IOException {
    ObjectId id = ObjectId.sha256(bytes);
    writeRawObject(id, ext, bytes);
    return id;
  }

  /** Writes {@code bytes} as object {@code id} (any bytes: a lie is the point). */
  void writeRawObject(ObjectId id, String ext, byte[] bytes) throws IOException {
    Path p = src.resolve("objects").resolve(id.hex().substring(0, 2));
    Files.createDirectories(p);
    Files.write(p.resolve(id.hex().substring(2) + "." + ext), bytes);
  }

  void writeFile(String relative, byte[] bytes) throws IOException {
    Path p = src.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
  }

  /**
   * A commit of the honest tree whose metadata is {@code metadata} (raw {@code a{sv}} bytes),
   * framed by hand like {@link Commit#serialize}.
   */
  byte[] commitWithRawMetadata(byte[] metadata, long timestamp) {
    Commit h = repo.readCommit(honest);
    return RawGVariant.struct(
        List.of(
            RawGVariant.Part.of(metadata, 8),
            RawGVariant.Part.of(new byte[0], 1),
            RawGVariant.Part.of(new byte[0], 1),
            RawGVariant.Part.of(RawGVariant.str("hostile"), 1),
            RawGVariant.Part.of(RawGVariant.str(""), 1),
            new RawGVariant.Part(ByteBuffer.allocate(8).putLong(timestamp).array(), 8, true),
            RawGVariant.Part.of(h.rootTree().bytes(), 1),
            RawGVariant.Part.of(h.rootMeta().bytes(), 1)));
  }

  /** A client repository (bare-user) with remote {@code origin} = this server, unverified. */
  Path client(Path dir) {
    cli("--repo=" + dir, "init", "--mode=bare-user");
    cli("--repo=" + dir, "remote", "add", "--no-gpg-verify", "origin", server.url());
    return dir;
  }

  /** Our CLI in this JVM, for set-up steps; fails the test if the command fails. */
  static void cli(String... args) {
    StringWriter err = new StringWriter();
    int code = OstreeCli.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
    if (code != 0) {
      throw new AssertionError(String.join(" ", args) + ": " + err);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
