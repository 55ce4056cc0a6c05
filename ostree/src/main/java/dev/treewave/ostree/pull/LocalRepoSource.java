package dev.treewave.ostree.pull;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.ObjectNotFoundException;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Another repository on this machine, in any mode ({@code pull-local}). */
public final class LocalRepoSource implements ObjectSource {
  private final OstreeRepo source;
  private final AtomicLong bytes = new AtomicLong();

  public LocalRepoSource(OstreeRepo source) {
    this.source = source;
  }

  @Override
  public Optional<byte[]> file(String path, long maxSize) {
    Path root = source.path().toAbsolutePath().normalize();
    Path p = root.resolve(path).normalize();
    if (!p.startsWith(root)) {
      throw new PullException("Refusing path outside the repository: " + path);
    }
    try {
      if (Files.size(p) > maxSize) {
        throw new PullException(path + " is larger than the limit of " + maxSize + " bytes");
      }
      byte[] b = Files.readAllBytes(p);
      bytes.addAndGet(b.length);
      return Optional.of(b);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new PullException("Reading " + p + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<byte[]> metadata(ObjectType type, ObjectId id, long maxSize) {
    // not verified here: the destination transaction re-hashes and parses it
    return file("objects/" + relative(type, id), maxSize);
  }

  private String relative(ObjectType type, ObjectId id) {
    Path p = source.objectPath(type, id);
    return source.path().resolve("objects").relativize(p).toString();
  }

  @Override
  public boolean content(ObjectId id, ContentSink sink) {
    try (ContentObject co = source.openContent(id)) {
      bytes.addAndGet(co.size());
      sink.accept(co);
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new OstreeException("Reading content object " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long bytesTransferred() {
    return bytes.get();
  }

  @Override
  public boolean supportsDeltas() {
    return false;
  }

  @Override
  public String describe() {
    return source.path().toString();
  }

  @Override
  public void close() {}
}
