package dev.treewave.agent.state;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Keeps the journal in one JSON file on the host (by default {@code
 * <hostRoot>/var/lib/treewave/agent-state.json}), so it survives the agent's pod and the node's
 * reboots. Writes go to a temporary file in the same directory, are flushed to disk, renamed over
 * the old file and the directory is flushed: a crash leaves either the old or the new journal.
 */
public final class FileJournalStore implements JournalStore {

  /** Bumped on incompatible changes; an unknown version is refused rather than misread. */
  static final int FORMAT_VERSION = 1;

  private final Path file;
  private final ObjectMapper mapper;

  public FileJournalStore(Path file) {
    this.file = file;
    this.mapper =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .addMixIn(AgentState.class, AgentStateTypes.class)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);
  }

  public Path file() {
    return file;
  }

  @Override
  public Optional<Journal> load() throws JournalException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new JournalException("cannot read the agent journal " + file + ": " + e, e);
    }
    JournalFile parsed;
    try {
      parsed = mapper.readValue(bytes, JournalFile.class);
    } catch (IOException | RuntimeException e) {
      throw new JournalException(
          "the agent journal "
              + file
              + " is unreadable ("
              + e.getMessage()
              + "); the agent will not act until it is repaired or removed",
          e);
    }
    if (parsed.version() != FORMAT_VERSION || parsed.journal() == null) {
      throw new JournalException(
          "the agent journal "
              + file
              + " has format version "
              + parsed.version()
              + ", this agent understands "
              + FORMAT_VERSION);
    }
    return Optional.of(parsed.journal());
  }

  @Override
  public void save(Journal journal) throws JournalException {
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(new JournalFile(FORMAT_VERSION, journal));
    } catch (JsonProcessingException e) {
      throw new JournalException("cannot encode the agent journal: " + e, e);
    }
    Path dir = file.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new JournalException("the filesystem of " + dir + " cannot rename atomically", e);
      }
      temp = null;
      try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
        directory.force(true); // make the rename itself durable
      }
    } catch (IOException e) {
      throw new JournalException("cannot write the agent journal " + file + ": " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // a stray temporary file is harmless; the next save makes a new one
        }
      }
    }
  }

  /** The file's top level: a version, then the journal. */
  record JournalFile(int version, Journal journal) {}

  /** Names the states in JSON ({@code "type": "Rebooting"}); Unmanaged is never persisted. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = AgentState.Idle.class, name = "Idle"),
    @JsonSubTypes.Type(value = AgentState.Pulling.class, name = "Pulling"),
    @JsonSubTypes.Type(value = AgentState.Verifying.class, name = "Verifying"),
    @JsonSubTypes.Type(value = AgentState.Staging.class, name = "Staging"),
    @JsonSubTypes.Type(value = AgentState.Staged.class, name = "Staged"),
    @JsonSubTypes.Type(value = AgentState.Activating.class, name = "Activating"),
    @JsonSubTypes.Type(value = AgentState.RollingBack.class, name = "RollingBack"),
    @JsonSubTypes.Type(value = AgentState.Rebooting.class, name = "Rebooting"),
    @JsonSubTypes.Type(value = AgentState.Booted.class, name = "Booted"),
    @JsonSubTypes.Type(value = AgentState.Failed.class, name = "Failed"),
    @JsonSubTypes.Type(value = AgentState.BootFailed.class, name = "BootFailed")
  })
  private abstract static class AgentStateTypes {}
}
