package dev.treewave.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * The shipped logback.xml, loaded into a fresh LoggerContext per test with the settings the chart
 * passes (as context properties, which Logback resolves before system properties and the
 * environment), writing to a captured stderr.
 */
class LogbackConfigurationTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonFormatWritesOneJsonObjectPerLineWithLevelMessageAndLogger() throws Exception {
    List<String> lines =
        logged(
            Map.of("treewave.log.format", "json"),
            log -> {
              log.info("node {} staged \"v2\"\nsecond line", "worker-1");
              log.debug("not at info level");
              log.warn("drain blocked", new IllegalStateException("pdb"));
            });

    assertThat(lines).hasSize(2);
    JsonNode info = JSON.readTree(lines.get(0));
    assertThat(info.path("level").asText()).isEqualTo("INFO");
    assertThat(info.path("loggerName").asText()).isEqualTo("dev.treewave.test.Rollout");
    assertThat(info.path("formattedMessage").asText())
        .isEqualTo("node worker-1 staged \"v2\"\nsecond line");
    assertThat(info.path("message").asText()).isEqualTo("node {} staged \"v2\"\nsecond line");
    assertThat(info.path("timestamp").asLong()).isPositive();
    JsonNode warn = JSON.readTree(lines.get(1));
    assertThat(warn.path("level").asText()).isEqualTo("WARN");
    assertThat(warn.path("throwable").path("className").asText())
        .isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void levelSettingLetsDebugThroughAndDefaultsToInfo() throws Exception {
    assertThat(logged(Map.of("treewave.log.level", "debug"), log -> log.debug("shown")))
        .singleElement()
        .asString()
        .contains("DEBUG", "dev.treewave.test.Rollout - shown");
    assertThat(logged(Map.of(), log -> log.debug("hidden"))).isEmpty();
    assertThat(logged(Map.of("treewave.log.level", "error"), log -> log.warn("hidden"))).isEmpty();
  }

  @Test
  void textIsTheDefaultAndNotJson(@TempDir Path dir) throws Exception {
    Path demoFile = dir.resolve("demo.log");
    List<String> lines =
        logged(Map.of("treewave.log.file", demoFile.toString()), log -> log.info("plain"));

    assertThat(lines)
        .singleElement()
        .asString()
        .matches("\\S+ INFO  \\[.+] dev\\.treewave\\.test\\.Rollout - plain");
    // The demo's file appender is declared but not referenced: it must not open its file.
    assertThat(demoFile).doesNotExist();
  }

  @Test
  void fileFormatWritesTextToTheNamedFile(@TempDir Path dir) throws Exception {
    Path demoFile = dir.resolve("demo.log");
    List<String> stderr =
        logged(
            Map.of("treewave.log.format", "file", "treewave.log.file", demoFile.toString()),
            log -> log.info("to the file"));

    assertThat(stderr).isEmpty();
    assertThat(Files.readString(demoFile)).contains("INFO  [").endsWith("- to the file\n");
  }

  @Test
  void aMistypedFormatIsReportedAndFallsBackToText() throws Exception {
    assertThat(logged(Map.of("treewave.log.format", "logfmt"), log -> log.error("kept")))
        .satisfiesExactly(
            line ->
                assertThat(line)
                    .isEqualTo(
                        "logback: unknown log format 'logfmt' (TREEWAVE_LOG_FORMAT): use text or"
                            + " json; logging text"),
            line -> assertThat(line).endsWith("ERROR [main] dev.treewave.test.Rollout - kept"));
    assertThat(logged(Map.of("treewave.log.format", " JSON "), log -> log.info("upper")))
        .singleElement()
        .asString()
        .startsWith("{");
  }

  private interface Body {
    void run(Logger log);
  }

  private static List<String> logged(Map<String, String> settings, Body body) throws Exception {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      settings.forEach(context::putProperty);
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogbackConfigurationTest.class.getResource("/logback.xml"));
      body.run(context.getLogger("dev.treewave.test.Rollout"));
    } finally {
      context.stop();
      System.setErr(saved);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    return out.isEmpty() ? List.of() : List.of(out.split("\n"));
  }
}
