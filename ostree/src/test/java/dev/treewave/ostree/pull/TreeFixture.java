package dev.treewave.ostree.pull;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.repo.Transaction;
import dev.treewave.ostree.summary.SummaryWriter;
import dev.treewave.testing.http.StaticRepoServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Test helper: builds directory trees on disk and commits them into a repository through the public
 * Transaction API (uid/gid 0, permissions from the files), independent of the committer.
 */
public final class TreeFixture {
  private TreeFixture() {}

  /** Writes a small tree with files, a symlink, nested and empty directories. */
  public static void smallTree(Path dir, String variant) throws IOException {
    Files.createDirectories(dir.resolve("etc/conf.d"));
    Files.createDirectories(dir.resolve("usr/bin"));
    Files.createDirectories(dir.resolve("var/empty"));
    Files.writeString(dir.resolve("etc/hostname"), "node-" + variant + "\n");
    Files.writeString(dir.resolve("etc/conf.d/a.conf"), "a=1\n");
    Files.writeString(dir.resolve("usr/bin/tool"), "#!/bin/sh\necho " + variant + "\n");
    Files.setPosixFilePermissions(
        dir.resolve("usr/bin/tool"),
        Set.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_EXECUTE));
    byte[] big = new byte[300_000];
    new Random(42).nextBytes(big);
    Files.write(dir.resolve("usr/bin/blob"), big);
    Files.deleteIfExists(dir.resolve("usr/bin/link"));
    Files.createSymbolicLink(dir.resolve("usr/bin/link"), Path.of("tool"));
  }

  /** A tree with {@code count} small distinct files spread over directories. */
  public static void manyFiles(Path dir, int count, int seed) throws IOException {
    Random r = new Random(seed);
    for (int i = 0; i < count; i++) {
      Path d = dir.resolve("d" + (i % 37)).resolve("s" + (i % 5));
      Files.createDirectories(d);
      byte[] b = new byte[50 + r.nextInt(4000)];
      r.nextBytes(b);
      Files.write(d.resolve("f" + i), b);
    }
  }

  /** Commits {@code dir} with {@code parent} and points {@code ref} at it. */
  public static ObjectId commit(
      OstreeRepo repo, Path dir, String ref, Optional<ObjectId> parent, long timestamp) {
    ObjectId[] out = new ObjectId[1];
    try (Transaction tx = repo.beginTransaction()) {
      ObjectId[] root = writeDir(tx, dir);
      Map<String, GVariant> meta = new LinkedHashMap<>();
      meta.put("version", GVariant.str("v" + timestamp));
      Commit c = new Commit(meta, parent, "subject " + timestamp, "", timestamp, root[0], root[1]);
      out[0] = tx.writeCommit(c);
      tx.commit();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
    repo.refs().write(ref, out[0]);
    return out[0];
  }

  private static ObjectId[] writeDir(Transaction tx, Path dir) throws IOException {
    List<DirTree.FileEntry> files = new ArrayList<>();
    List<DirTree.DirEntry> dirs = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (Files.isSymbolicLink(p)) {
          FileHeader h = FileHeader.symlink(0, 0, Files.readSymbolicLink(p).toString(), List.of());
          files.add(new DirTree.FileEntry(name, tx.writeContent(h, InputStream0.empty(), 0)));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          ObjectId[] sub = writeDir(tx, p);
          dirs.add(new DirTree.DirEntry(name, sub[0], sub[1]));
        } else {
          byte[] data = Files.readAllBytes(p);
          FileHeader h = FileHeader.regular(0, 0, perms(p), List.of());
          files.add(
              new DirTree.FileEntry(
                  name, tx.writeContent(h, new ByteArrayInputStream(data), data.length)));
        }
      }
    }
    ObjectId tree = tx.writeDirTree(DirTree.of(files, dirs));
    ObjectId meta = tx.writeDirMeta(DirMeta.directory(0, 0, perms(dir), List.of()));
    return new ObjectId[] {tree, meta};
  }

  static int perms(Path p) throws IOException {
    int m = 0;
    for (PosixFilePermission x : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) {
      m |= 1 << (8 - x.ordinal());
    }
    return m;
  }

  /** Every regular file and symlink below {@code dir}: relative path → content or link target. */
  public static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> out = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        String rel = dir.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p)) {
          out.put(
              rel,
              Integer.toOctalString(perms(p)) + " " + ObjectId.sha256(Files.readAllBytes(p)).hex());
        } else if (Files.isDirectory(p)) {
          out.put(rel + "/", "dir");
        }
      }
    }
    return out;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** An empty stream without pulling in extra imports at call sites. */
  static final class InputStream0 {
    static java.io.InputStream empty() {
      return java.io.InputStream.nullInputStream();
    }
  }

  /** Writes or changes the tree between commits. */
  @FunctionalInterface
  public interface TreeStep {
    void apply(Path tree) throws IOException;
  }

  /** Makes the static deltas a test serves, given the source repo and its two commits. */
  @FunctionalInterface
  public interface DeltaStep {
    void generate(OstreeRepo repo, ObjectId c1, ObjectId c2);
  }

  /** An archive repo with commits c1 then c2 of one tree on "os", served on 127.0.0.1. */
  public record ServedUpdate(Path src, ObjectId c1, ObjectId c2, StaticRepoServer server) {}

  /**
   * Commits {@code tmp/tree} after {@code first} (c1) and again after {@code second} (c2) into an
   * archive repo at {@code tmp/src}, lets {@code deltas} make its static deltas, writes the summary
   * and starts a server on it; the caller closes the server.
   */
  public static ServedUpdate servedUpdate(
      Path tmp, TreeStep first, TreeStep second, DeltaStep deltas) throws IOException {
    Path src = tmp.resolve("src");
    OstreeRepo repo = OstreeRepo.init(src, RepoMode.ARCHIVE);
    Path tree = tmp.resolve("tree");
    first.apply(tree);
    ObjectId c1 = commit(repo, tree, "os", Optional.empty(), 1_700_000_000L);
    second.apply(tree);
    ObjectId c2 = commit(repo, tree, "os", Optional.of(c1), 1_700_000_100L);
    deltas.generate(repo, c1, c2);
    SummaryWriter.update(repo, Map.of());
    return new ServedUpdate(
        src, c1, c2, StaticRepoServer.start(src, new InetSocketAddress("127.0.0.1", 0)));
  }
}
