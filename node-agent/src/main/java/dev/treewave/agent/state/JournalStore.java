package dev.treewave.agent.state;

import java.util.Optional;

/** Durable storage of the agent's {@link Journal} on the host. */
public interface JournalStore {

  /** The saved journal, or empty on first start. Throws if it exists but cannot be read. */
  Optional<Journal> load() throws JournalException;

  /** Saves atomically: after a crash, {@link #load} sees either the old or the new journal. */
  void save(Journal journal) throws JournalException;
}
