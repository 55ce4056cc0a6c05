package dev.treewave.ostree.pull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Reads an archive repository on the local filesystem ({@code file://} remotes). */
public final class FileTransport implements Transport {
  private final Path root;
  private final AtomicLong bytes = new AtomicLong();

  public FileTransport(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public <T> Optional<T> get(String path, BodyReader<T> reader) {
    Path p = root.resolve(path).normalize();
    if (!p.startsWith(root)) {
      throw new PullException("Refusing path outside the repository: " + path);
    }
    try (InputStream in = new CountingInputStream(Files.newInputStream(p), bytes)) {
      return Optional.of(reader.read(in));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new PullException("Reading " + p + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long bytesTransferred() {
    return bytes.get();
  }

  @Override
  public String describe() {
    return "file://" + root;
  }

  @Override
  public void close() {}
}
