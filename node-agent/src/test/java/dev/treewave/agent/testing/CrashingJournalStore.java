package dev.treewave.agent.testing;

import dev.treewave.agent.state.Journal;
import dev.treewave.agent.state.JournalException;
import dev.treewave.agent.state.JournalStore;
import java.util.Optional;

/** The real file store with crash points just before and just after each durable save. */
public final class CrashingJournalStore implements JournalStore {

  private final JournalStore delegate;
  private final Crashpoints crashpoints;

  public CrashingJournalStore(JournalStore delegate, Crashpoints crashpoints) {
    this.delegate = delegate;
    this.crashpoints = crashpoints;
  }

  @Override
  public Optional<Journal> load() throws JournalException {
    return delegate.load();
  }

  @Override
  public void save(Journal journal) throws JournalException {
    crashpoints.hit("journal.before:" + journal.state().name());
    delegate.save(journal);
    crashpoints.hit("journal.after:" + journal.state().name());
  }
}
