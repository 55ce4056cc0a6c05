package dev.treewave.ostree.repo;

import dev.treewave.ostree.core.ObjectId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The refs of a repository. A refspec is {@code REF} (in {@code refs/heads}) or {@code REMOTE:REF}
 * (in {@code refs/remotes/REMOTE}); collection refs live in {@code refs/mirrors/COLLECTION-ID/REF}.
 * Ref files hold the 64-hex checksum and a newline.
 */
public final class Refs {
  private static final Pattern REF =
      Pattern.compile("([\\w\\d][-._\\w\\d]*/)*[\\w\\d][-._\\w\\d]*");
  private static final Pattern REMOTE = Pattern.compile("[\\w\\d][-._\\w\\d]*");
  private static final Pattern COLLECTION =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+");

  private final Path refsDir;
  private final Path tmpDir;

  Refs(Path repo) {
    this.refsDir = repo.resolve("refs");
    this.tmpDir = repo.resolve("tmp");
  }

  /** A parsed refspec: {@code remote} is empty for local refs. */
  public record RefSpec(Optional<String> remote, String ref) {
    public static RefSpec parse(String spec) {
      int colon = spec.indexOf(':');
      RefSpec r =
          colon < 0
              ? new RefSpec(Optional.empty(), spec)
              : new RefSpec(Optional.of(spec.substring(0, colon)), spec.substring(colon + 1));
      if (!REF.matcher(r.ref).matches()) {
        throw new OstreeException("Invalid ref name " + r.ref);
      }
      if (r.remote.isPresent() && !REMOTE.matcher(r.remote.get()).matches()) {
        throw new OstreeException("Invalid remote name " + r.remote.get());
      }
      return r;
    }

    @Override
    public String toString() {
      return remote.map(x -> x + ":" + ref).orElse(ref);
    }
  }

  public static boolean isValidRefName(String ref) {
    return REF.matcher(ref).matches();
  }

  private Path fileOf(RefSpec spec) {
    return spec.remote()
        .map(r -> refsDir.resolve("remotes").resolve(r).resolve(spec.ref()))
        .orElse(refsDir.resolve("heads").resolve(spec.ref()));
  }

  /** The commit a refspec points to, if the ref exists. */
  public Optional<ObjectId> read(String refspec) {
    return readFile(fileOf(RefSpec.parse(refspec)), refspec);
  }

  /**
   * {@code ref} under {@code refs/remotes/REMOTE/} of the first remote (by name) that has it:
   * libostree's fallback for an unqualified ref without a local head (it takes the first in
   * directory order; sorting makes ours deterministic).
   */
  public Optional<ObjectId> readFromAnyRemote(String ref) {
    RefSpec spec = RefSpec.parse(ref);
    if (spec.remote().isPresent()) {
      return Optional.empty();
    }
    for (String remote : children(refsDir.resolve("remotes"))) {
      Optional<ObjectId> found =
          readFile(refsDir.resolve("remotes").resolve(remote).resolve(ref), remote + ":" + ref);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** Reads a collection ref ({@code refs/mirrors/COLLECTION/REF}). */
  public Optional<ObjectId> readCollectionRef(String collectionId, String ref) {
    return readFile(collectionFile(collectionId, ref), "(" + collectionId + ", " + ref + ")");
  }

  private Path collectionFile(String collectionId, String ref) {
    if (!COLLECTION.matcher(collectionId).matches()) {
      throw new OstreeException("Invalid collection ID " + collectionId);
    }
    RefSpec.parse(ref);
    return refsDir.resolve("mirrors").resolve(collectionId).resolve(ref);
  }

  private static Optional<ObjectId> readFile(Path file, String name) {
    try {
      if (Files.isDirectory(file)) {
        return Optional.empty();
      }
      String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (!ObjectId.isValid(s)) {
        throw new OstreeException("Ref " + name + " does not contain a valid checksum");
      }
      return Optional.of(ObjectId.parse(s));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new OstreeException("Reading ref " + name + ": " + e.getMessage(), e);
    }
  }

  /** Points a refspec at a commit, atomically (temp file, fsync, rename). */
  public void write(String refspec, ObjectId commit) {
    writeFile(fileOf(RefSpec.parse(refspec)), commit);
  }

  public void writeCollectionRef(String collectionId, String ref, ObjectId commit) {
    writeFile(collectionFile(collectionId, ref), commit);
  }

  private void writeFile(Path file, ObjectId commit) {
    try {
      Files.createDirectories(file.getParent());
      Files.createDirectories(tmpDir);
      Path tmp = tmpDir.resolve("ref-" + UUID.randomUUID());
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(
            java.nio.ByteBuffer.wrap((commit.hex() + "\n").getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new OstreeException("Writing ref " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** Deletes a ref; returns false if it did not exist. */
  public boolean delete(String refspec) {
    try {
      return Files.deleteIfExists(fileOf(RefSpec.parse(refspec)));
    } catch (IOException e) {
      throw new OstreeException("Deleting ref " + refspec + ": " + e.getMessage(), e);
    }
  }

  public boolean deleteCollectionRef(String collectionId, String ref) {
    try {
      return Files.deleteIfExists(collectionFile(collectionId, ref));
    } catch (IOException e) {
      throw new OstreeException("Deleting ref " + ref + ": " + e.getMessage(), e);
    }
  }

  /** All local refs ({@code name}) and remote refs ({@code remote:name}), sorted. */
  public Map<String, ObjectId> list() {
    Map<String, ObjectId> out = new TreeMap<>();
    walk(refsDir.resolve("heads"), "", out);
    Path remotes = refsDir.resolve("remotes");
    for (String remote : children(remotes)) {
      walk(remotes.resolve(remote), remote + ":", out);
    }
    return out;
  }

  /** Collection refs as {@code COLLECTION-ID → (REF → commit)}. */
  public Map<String, Map<String, ObjectId>> listCollectionRefs() {
    Map<String, Map<String, ObjectId>> out = new TreeMap<>();
    Path mirrors = refsDir.resolve("mirrors");
    for (String cid : children(mirrors)) {
      Map<String, ObjectId> refs = new TreeMap<>();
      walk(mirrors.resolve(cid), "", refs);
      out.put(cid, refs);
    }
    return out;
  }

  private static Iterable<String> children(Path dir) {
    if (!Files.isDirectory(dir)) {
      return java.util.List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new OstreeException("Listing " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void walk(Path base, String prefix, Map<String, ObjectId> out) {
    if (!Files.isDirectory(base)) {
      return;
    }
    try (Stream<Path> s = Files.walk(base)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        String name = base.relativize(p).toString();
        readFile(p, name).ifPresent(id -> out.put(prefix + name, id));
      }
    } catch (IOException e) {
      throw new OstreeException("Listing refs: " + e.getMessage(), e);
    }
  }
}
