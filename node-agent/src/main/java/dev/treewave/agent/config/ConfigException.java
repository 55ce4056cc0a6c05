package dev.treewave.agent.config;

/** The configuration is wrong; the message says which setting and how to fix it. */
public class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
