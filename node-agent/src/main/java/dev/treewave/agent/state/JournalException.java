package dev.treewave.agent.state;

/** The journal cannot be read or written; the agent then does nothing until it can. */
public class JournalException extends Exception {

  private static final long serialVersionUID = 1L;

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }

  public JournalException(String message) {
    super(message);
  }
}
