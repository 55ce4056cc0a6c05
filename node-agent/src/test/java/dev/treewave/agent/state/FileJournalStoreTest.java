package dev.treewave.agent.state;

import static dev.treewave.agent.testing.TestNode.B;
import static dev.treewave.agent.testing.TestNode.activate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJournalStoreTest {

  @TempDir Path dir;

  private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void aMissingFileIsAFirstStart() throws Exception {
    assertThat(new FileJournalStore(dir.resolve("var/lib/treewave/j.json")).load()).isEmpty();
  }

  @Test
  void everyStateSurvivesARoundTrip() throws Exception {
    InstructionRef ref = activate("a1", B).ref();
    FileJournalStore store = new FileJournalStore(dir.resolve("var/lib/treewave/j.json"));
    for (AgentState state :
        new AgentState[] {
          new AgentState.Idle(),
          new AgentState.Pulling(ref),
          new AgentState.Verifying(ref),
          new AgentState.Staging(ref),
          new AgentState.Staged(ref),
          new AgentState.Activating(ref, B),
          new AgentState.RollingBack(ref, B),
          new AgentState.Rebooting(ref, B, "boot-1", AT),
          new AgentState.Booted(ref, B),
          new AgentState.Failed(ref, new Failure(FailureReason.PULL_FAILED, "x", AT)),
          new AgentState.BootFailed(ref, B, "a".repeat(64), AT)
        }) {
      Journal journal =
          new Journal(state, "s0", 2, new Failure(FailureReason.PULL_FAILED, "reset", AT));
      store.save(journal);
      assertThat(new FileJournalStore(store.file()).load()).contains(journal);
    }
    try (Stream<Path> files = Files.list(store.file().getParent())) {
      assertThat(files).as("no temporary files are left").containsExactly(store.file());
    }
  }

  @Test
  void theFileNamesTheStateReadably() throws Exception {
    FileJournalStore store = new FileJournalStore(dir.resolve("j.json"));
    store.save(
        Journal.initial().moveTo(new AgentState.Rebooting(activate("a1", B).ref(), B, "b", AT)));

    assertThat(Files.readString(store.file()))
        .contains("\"version\" : 1")
        .contains("\"type\" : \"Rebooting\"")
        .contains("\"id\" : \"a1\"")
        .contains("2026-11-22T10:00:00Z");
  }

  @Test
  void garbageAndUnknownVersionsAreRefused() throws Exception {
    Path file = dir.resolve("j.json");
    FileJournalStore store = new FileJournalStore(file);

    Files.writeString(file, "not json");
    assertThatThrownBy(store::load)
        .isInstanceOf(JournalException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("will not act");

    Files.writeString(
        file, "{\"version\":2,\"journal\":{\"state\":{\"type\":\"Idle\"},\"attempts\":0}}");
    assertThatThrownBy(store::load).hasMessageContaining("format version 2");

    Files.writeString(
        file,
        "{\"version\":1,\"journal\":{\"state\":{\"type\":\"Idle\"},\"attempts\":0,\"extra\":1}}");
    assertThatThrownBy(store::load).isInstanceOf(JournalException.class);
  }
}
