package dev.treewave.e2e;

import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.NativeFs;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.Signatures;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Signer;
import dev.treewave.ostree.summary.SummaryWriter;
import dev.treewave.testing.http.StaticRepoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The OS image server of the local system: an {@code archive} OSTree repository with two commits of
 * a small fake OS ({@code v1}, {@code v2}) on one ref, signed with a fresh ed25519 key, and a third
 * commit signed by another key, served over HTTP on 127.0.0.1 by our static server.
 */
public final class OsRepository implements AutoCloseable {

  public static final String REF = "treewave/demo/x86_64";

  private final Path path;
  private final String v1;
  private final String v2;
  private final String untrusted;
  private final String publicKey;
  private StaticRepoServer server;
  private long retiredDownloads;
  private final OstreeRepo repo;
  private final Ed25519Signer signer;

  private OsRepository(
      Path path,
      String v1,
      String v2,
      String untrusted,
      String publicKey,
      StaticRepoServer server,
      OstreeRepo repo,
      Ed25519Signer signer) {
    this.repo = repo;
    this.signer = signer;
    this.path = path;
    this.v1 = v1;
    this.v2 = v2;
    this.untrusted = untrusted;
    this.publicKey = publicKey;
    this.server = server;
  }

  /** Builds the repository under {@code dir} and starts serving it. */
  public static OsRepository create(Path dir) throws IOException {
    Path repoPath = dir.resolve("repo");
    OstreeRepo repo = OstreeRepo.init(repoPath, RepoMode.ARCHIVE);
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    Ed25519Signer signer = new Ed25519Signer(seed);
    String v1 = commit(repo, dir.resolve("tree-1"), "1.0", "6.1.0-1", 1_700_000_000L, signer);
    String v2 = commit(repo, dir.resolve("tree-2"), "2.0", "6.1.0-2", 1_700_100_000L, signer);
    // A build signed by a key nobody trusts: what a compromised or mistaken pipeline would publish.
    byte[] otherSeed = new byte[32];
    new SecureRandom().nextBytes(otherSeed);
    String untrusted =
        commit(
            repo,
            dir.resolve("tree-3"),
            "3.0",
            "6.1.0-3",
            1_700_200_000L,
            new Ed25519Signer(otherSeed));
    // The ref names v2, the newest build the trusted key signed; the summary is signed too, so an
    // unpinned ref can be resolved with verification on.
    repo.refs().write(REF, ObjectId.parse(v2));
    signSummary(repo, signer);
    StaticRepoServer server =
        StaticRepoServer.start(repoPath, new InetSocketAddress("127.0.0.1", 0));
    return new OsRepository(
        repoPath,
        v1,
        v2,
        untrusted,
        Ed25519Keys.publicKeyString(signer.publicKey()),
        server,
        repo,
        signer);
  }

  private static void signSummary(OstreeRepo repo, Ed25519Signer signer) {
    byte[] summary = SummaryWriter.update(repo, Map.of());
    SummaryWriter.writeSignatures(
        repo, Signatures.append(Map.of(), signer.metadataKey(), signer.sign(summary)));
  }

  /**
   * Points {@link #REF} at {@code commit} and publishes a summary signed with the trusted key: what
   * a replayed or rolled-back (but genuinely signed) summary looks like to a client.
   */
  public void publishSignedRef(String commit) {
    repo.refs().write(REF, ObjectId.parse(commit));
    signSummary(repo, signer);
  }

  private static String commit(
      OstreeRepo repo, Path tree, String version, String kernel, long time, Ed25519Signer signer)
      throws IOException {
    Path modules = tree.resolve("usr/lib/modules/" + kernel);
    Files.createDirectories(modules);
    Files.writeString(modules.resolve("vmlinuz"), "fake kernel " + kernel + "\n");
    Files.writeString(modules.resolve("initramfs.img"), "fake initramfs " + kernel + "\n");
    Path etc = tree.resolve("usr/etc");
    Files.createDirectories(etc);
    Files.writeString(
        etc.resolve("os-release"),
        "NAME=\"treewave demo OS\"\nID=treewave-demo\nVERSION_ID=" + version + "\n");
    Files.writeString(etc.resolve("hostname"), "localhost\n");
    Files.createDirectories(tree.resolve("usr/bin"));
    Files.writeString(tree.resolve("usr/bin/hello"), "#!/bin/sh\necho treewave " + version + "\n");
    for (String d : List.of("var", "usr/share/treewave")) {
      Files.createDirectories(tree.resolve(d));
    }
    Files.write(
        tree.resolve("usr/share/treewave/payload-" + version),
        ("payload of " + version + "\n").repeat(2000).getBytes(StandardCharsets.UTF_8));
    // As root, the image carries a file capability like a real one (ping's cap_net_raw), which
    // only reaches the nodes if commit, pull into their bare repositories and deployment all keep
    // xattrs outside user.*. Without root it cannot be set; the permissions are then made
    // canonical (uid 0) as an image builder would, which also leaves xattrs out of the commit.
    boolean asRoot = isRoot();
    if (asRoot) {
      Path ping = tree.resolve("usr/bin/ping");
      Files.writeString(ping, "#!/bin/sh\necho ping\n");
      setXattr(ping, CAPABILITY_XATTR, NET_RAW_CAPABILITY);
    }
    ObjectId id =
        new TreeCommitter(
                repo,
                CommitOptions.builder()
                    .branch(REF)
                    .subject("treewave demo OS " + version)
                    .timestamp(time)
                    .addMetadataString("version", version)
                    .canonicalPermissions(!asRoot)
                    .tree(tree)
                    .build())
            .commit()
            .commit();
    Signatures.signCommit(repo, id, signer);
    return id.hex();
  }

  /** The xattr holding a file's capabilities. */
  public static final String CAPABILITY_XATTR = "security.capability";

  /** {@code cap_net_raw+ep} as {@code setcap} writes it (VFS capability revision 2). */
  public static final String NET_RAW_CAPABILITY = "0x0100000200200000000000000000000000000000";

  /** Whether the images carry {@code usr/bin/ping} with {@link #NET_RAW_CAPABILITY}. */
  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Through the library's native calls: the JDK reaches only {@code user.*} xattrs. */
  private static void setXattr(Path file, String name, String hexValue) {
    NativeFs fs =
        NativeFs.system()
            .orElseThrow(() -> new IllegalStateException(NativeFs.unavailableReason()));
    fs.setXattr(file, name, HexFormat.of().parseHex(hexValue.substring("0x".length())));
  }

  public String v1() {
    return v1;
  }

  public String v2() {
    return v2;
  }

  /** A third commit ("3.0"), signed by a different key than {@link #publicKey()}. */
  public String untrusted() {
    return untrusted;
  }

  /** The ed25519 public key (base64) that signed both commits. */
  public String publicKey() {
    return publicKey;
  }

  public synchronized String url() {
    return server.url();
  }

  /** How many object files (commits, trees, file content) the server has handed out so far. */
  public synchronized long objectDownloads() {
    return retiredDownloads + downloads(server);
  }

  private static long downloads(StaticRepoServer s) {
    return s.requests().stream()
        .filter(r -> r.status() == 200 && r.path().contains("/objects/"))
        .count();
  }

  /** An outage: the server stops, so connections to its port are refused until {@link #up}. */
  public synchronized void down() {
    retiredDownloads += downloads(server);
    server.close();
  }

  /** Back after {@link #down}, on the same address (the nodes' URL still works). */
  public synchronized void up() throws IOException {
    InetSocketAddress address =
        new InetSocketAddress("127.0.0.1", java.net.URI.create(server.url()).getPort());
    server = StaticRepoServer.start(path, address);
  }

  public Path path() {
    return path;
  }

  @Override
  public synchronized void close() {
    server.close();
  }
}
