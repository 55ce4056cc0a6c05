package dev.treewave.logging;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;
import java.util.Set;

/**
 * The log format logback.xml uses, which is also the name of the appender it attaches: the {@code
 * treewave.log.format} property (context or system), else {@code TREEWAVE_LOG_FORMAT}, else text.
 * Logback silently drops every line when a reference names no appender, so an unknown value is
 * reported as a configuration error and falls back to text instead.
 */
public final class LogFormatDefiner extends PropertyDefinerBase {

  static final String PROPERTY = "treewave.log.format";
  static final String VARIABLE = "TREEWAVE_LOG_FORMAT";
  private static final Set<String> FORMATS = Set.of("text", "json", "file");

  @Override
  public String getPropertyValue() {
    String raw = setting();
    if (raw == null || raw.isBlank()) {
      return "text";
    }
    String format = raw.trim().toLowerCase(Locale.ROOT);
    if (FORMATS.contains(format)) {
      return format;
    }
    addError("unknown log format '" + raw + "' (" + VARIABLE + "): use text or json; logging text");
    return "text";
  }

  private String setting() {
    String fromContext = getContext() == null ? null : getContext().getProperty(PROPERTY);
    if (fromContext != null) {
      return fromContext;
    }
    String fromSystem = System.getProperty(PROPERTY);
    return fromSystem != null ? fromSystem : System.getenv(VARIABLE);
  }
}
