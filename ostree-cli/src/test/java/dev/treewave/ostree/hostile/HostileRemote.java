package dev.treewave.ostree.hostile;

import dev.treewave.ostree.cli.OstreeCli;
import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.pull.Cli;
import dev.treewave.ostree.pull.TreeFixture;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.testing.http.StaticRepoServer;
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
    return serve(src, repo, c1);
  }

  /** As {@link #start}, committed by the real ostree with {@code --generate-sizes}. */
  static HostileRemote startWithSizes(Path tmp) throws IOException {
    Path src = tmp.resolve("src");
    Cli.ostree("init", Cli.repo(src), "--mode=archive").ok();
    TreeFixture.smallTree(tmp.resolve("tree"), "honest");
    String id =
        Cli.ostree(
                "commit",
                Cli.repo(src),
                "-b",
                "os",
                "--generate-sizes",
                "-s",
                "honest",
                "--tree=dir=" + tmp.resolve("tree"))
            .ok()
            .out()
            .strip();
    return serve(src, OstreeRepo.open(src), ObjectId.parse(id));
  }

  private static HostileRemote serve(Path src, OstreeRepo repo, ObjectId c1) throws IOException {
    // the helper is right about the honest part: the real ostree accepts it
    Cli.ostree("fsck", Cli.repo(src)).ok();
    return new HostileRemote(
        src, repo, c1, StaticRepoServer.start(src, new InetSocketAddress("127.0.0.1", 0)));
  }

  /** The bytes of a file of the repository. */
  byte[] readFile(String relative) throws IOException {
    return Files.readAllBytes(src.resolve(relative));
  }

  static String objectPath(ObjectId id, String ext) {
    return "objects/" + id.hex().substring(0, 2) + "/" + id.hex().substring(2) + "." + ext;
  }

  /** A regular file of the honest commit: {@code /usr/bin/blob} (300,000 random bytes). */
  ObjectId blobFile() {
    var root = repo.readDirTree(repo.readCommit(honest).rootTree());
    var usr = root.dirs().stream().filter(d -> d.name().equals("usr")).findFirst().orElseThrow();
    var bin =
        repo.readDirTree(usr.treeChecksum()).dirs().stream()
            .filter(d -> d.name().equals("bin"))
            .findFirst()
            .orElseThrow();
    return repo.readDirTree(bin.treeChecksum()).files().stream()
        .filter(f -> f.name().equals("blob"))
        .findFirst()
        .orElseThrow()
        .checksum();
  }

  /**
   * A zlib bomb in place of the {@code .filez} of {@code id}: the honest header with its size field
   * set to {@code declared}, then raw deflate of {@code inflated} zero bytes.
   */
  void replaceWithFilezBomb(ObjectId id, long declared, long inflated) throws IOException {
    byte[] honestFilez = readFile(objectPath(id, "filez"));
    int len = ByteBuffer.wrap(honestFilez).getInt(0);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] head = java.util.Arrays.copyOf(honestFilez, 8 + len);
    ByteBuffer.wrap(head).putLong(8, declared); // (tuuuusa(ayay)): t first, big-endian
    out.writeBytes(head);
    java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
    try (var z = new java.util.zip.DeflaterOutputStream(out, d, 1 << 16)) {
      byte[] zeros = new byte[1 << 20];
      for (long n = 0; n < inflated; n += zeros.length) {
        z.write(zeros, 0, (int) Math.min(zeros.length, inflated - n));
      }
    } finally {
      d.end();
    }
    writeFile(objectPath(id, "filez"), out.toByteArray());
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
    return client(dir, server.url());
  }

  /** As {@link #client(Path)}, with the remote at {@code url} (another server on this repo). */
  static Path client(Path dir, String url) {
    cli("--repo=" + dir, "init", "--mode=bare-user");
    cli("--repo=" + dir, "remote", "add", "--no-gpg-verify", "origin", url);
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
