package dev.treewave.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

class AgentConfigParserTest {

  @Test
  void defaultsNeedOnlyTheNodeName() throws Exception {
    AgentConfig config = AgentConfigParser.parse(Map.of("NODE_NAME", "worker-1"));

    assertThat(config.nodeName()).isEqualTo("worker-1");
    assertThat(config.hostRoot()).isEqualTo(Path.of("/host"));
    assertThat(config.proc()).isEqualTo(Path.of("/proc"));
    assertThat(config.journalFile()).isEqualTo(Path.of("/host/var/lib/treewave/agent-state.json"));
    assertThat(config.rebootStrategy()).isEqualTo(RebootStrategy.SYSTEMD);
    assertThat(config.httpAddress()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.resyncInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.settings().maxDeployments()).isEqualTo(2);
    assertThat(config.settings().diskReserveBytes()).isEqualTo(1L << 30);
    assertThat(config.settings().rebootTimeout()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void theHostsProcCanBeMountedElsewhere() throws Exception {
    assertThat(
            AgentConfigParser.parse(Map.of("NODE_NAME", "n", "TREEWAVE_PROC", "/host/proc")).proc())
        .isEqualTo(Path.of("/host/proc"));
    assertThat(AgentConfigParser.parse(Map.of("NODE_NAME", "n"), "--proc=/x/proc").proc())
        .isEqualTo(Path.of("/x/proc"));
  }

  @Test
  void flagsWinOverTheEnvironment() throws Exception {
    AgentConfig config =
        AgentConfigParser.parse(
            Map.of(
                "NODE_NAME", "from-env",
                "TREEWAVE_HOST_ROOT", "/env-root",
                "TREEWAVE_DISK_RESERVE", "512Mi"),
            "--node-name=from-flag",
            "--host-root",
            "/flag-root",
            "--reboot-strategy=command",
            "--reboot-command=/usr/local/bin/reboot-node --now",
            "--keep-deployments=3",
            "--resync-interval=500ms",
            "--http-address=0.0.0.0",
            "--http-port=0");

    assertThat(config.nodeName()).isEqualTo("from-flag");
    assertThat(config.hostRoot()).isEqualTo(Path.of("/flag-root"));
    assertThat(config.journalFile().startsWith(Path.of("/flag-root"))).isTrue();
    assertThat(config.rebootStrategy()).isEqualTo(RebootStrategy.COMMAND);
    assertThat(config.rebootCommand()).containsExactly("/usr/local/bin/reboot-node", "--now");
    assertThat(config.settings().maxDeployments()).isEqualTo(3);
    assertThat(config.settings().diskReserveBytes()).isEqualTo(512L << 20);
    assertThat(config.resyncInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.httpAddress()).isEqualTo("0.0.0.0");
    assertThat(config.httpPort()).isZero();
  }

  @Test
  void mistakesAreNamed() {
    Map<String, String> env = Map.of("NODE_NAME", "n");
    assertThatThrownBy(() -> AgentConfigParser.parse(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NODE_NAME");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--reboot-strategy=kexec"))
        .hasMessageContaining("systemd, command or none");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--reboot-strategy=command"))
        .hasMessageContaining("--reboot-command");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--reboot-command=reboot"))
        .hasMessageContaining("only used with --reboot-strategy=command");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--keep-deployments=1"))
        .hasMessageContaining("at least 2");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--disk-reserve=1GB"))
        .hasMessageContaining("like 512Mi or 2Gi, got '1GB'");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--disk-reserve=-1Gi"))
        .hasMessageContaining("like 512Mi or 2Gi");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--disk-reserve=1.5"))
        .hasMessageContaining("like 512Mi or 2Gi");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--retry-backoff=1.5h"))
        .hasMessageContaining("like 500ms, 30s, 5m or 1h30m, got '1.5h'");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--retry-backoff=soon"))
        .hasMessageContaining("--retry-backoff");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--colour=blue"))
        .hasMessageContaining("Unknown option: '--colour=blue'");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "worker-1"))
        .hasMessageContaining("'worker-1'");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--http-port=70000"))
        .hasMessageContaining("0..65535");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--http-port"))
        .hasMessageContaining("Missing required parameter for option '--http-port'");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--http-port=eighty"))
        .hasMessageContaining("--http-port")
        .hasMessageContaining("eighty");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--max-attempts=0"))
        .hasMessageContaining("--max-attempts must be at least 1");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--heartbeat-interval=10s"))
        .hasMessageContaining("must not be shorter than --resync-interval");
  }

  @Test
  void everyMistakeIsOneLine() {
    Map<String, String> env = Map.of("NODE_NAME", "n");
    for (String bad :
        List.of("--colour=blue", "--http-port", "--disk-reserve=1GB", "--reboot-strategy=x")) {
      assertThatThrownBy(() -> AgentConfigParser.parse(env, bad))
          .isInstanceOf(ConfigException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").isNotBlank());
    }
  }

  @Test
  void everyFlagDefaultsToItsVariable() throws Exception {
    AgentConfig config =
        AgentConfigParser.parse(
            Map.ofEntries(
                Map.entry("NODE_NAME", "worker-2"),
                Map.entry("TREEWAVE_HOST_ROOT", "/root-from-env"),
                Map.entry("TREEWAVE_PROC", "/proc-from-env"),
                Map.entry("TREEWAVE_JOURNAL", "/j/state.json"),
                Map.entry("TREEWAVE_REBOOT_STRATEGY", "Command"),
                Map.entry("TREEWAVE_REBOOT_COMMAND", " /sbin/reboot  -f "),
                Map.entry("TREEWAVE_RESYNC_INTERVAL", "1m30s"),
                Map.entry("TREEWAVE_HEARTBEAT_INTERVAL", "5m"),
                Map.entry("TREEWAVE_RETRY_BACKOFF", "750ms"),
                Map.entry("TREEWAVE_MAX_ATTEMPTS", "7"),
                Map.entry("TREEWAVE_REBOOT_TIMEOUT", "1h"),
                Map.entry("TREEWAVE_KEEP_DEPLOYMENTS", "4"),
                Map.entry("TREEWAVE_DISK_RESERVE", "2G"),
                Map.entry("TREEWAVE_PROGRESS_INTERVAL", "0ms"),
                Map.entry("TREEWAVE_HTTP_ADDRESS", "10.0.0.1"),
                Map.entry("TREEWAVE_HTTP_PORT", "9090")));

    assertThat(config.nodeName()).isEqualTo("worker-2");
    assertThat(config.hostRoot()).isEqualTo(Path.of("/root-from-env"));
    assertThat(config.proc()).isEqualTo(Path.of("/proc-from-env"));
    assertThat(config.journalFile()).isEqualTo(Path.of("/j/state.json"));
    assertThat(config.rebootStrategy()).isEqualTo(RebootStrategy.COMMAND);
    assertThat(config.rebootCommand()).containsExactly("/sbin/reboot", "-f");
    assertThat(config.resyncInterval()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.settings().retryBackoff()).isEqualTo(Duration.ofMillis(750));
    assertThat(config.settings().maxAttempts()).isEqualTo(7);
    assertThat(config.settings().rebootTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(config.settings().maxDeployments()).isEqualTo(4);
    assertThat(config.settings().diskReserveBytes()).isEqualTo(2_000_000_000L);
    assertThat(config.settings().progressInterval()).isZero();
    assertThat(config.httpAddress()).isEqualTo("10.0.0.1");
    assertThat(config.httpPort()).isEqualTo(9090);
  }

  @Test
  void blankVariablesFallBackToTheDefault() throws Exception {
    AgentConfig config =
        AgentConfigParser.parse(
            Map.of("NODE_NAME", "n", "TREEWAVE_HTTP_PORT", " ", "TREEWAVE_REBOOT_COMMAND", ""));

    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.rebootCommand()).isEmpty();
  }

  @Test
  void aVariableIsTakenLiterally() throws Exception {
    AgentConfig config =
        AgentConfigParser.parse(
            Map.of(
                "NODE_NAME", "n",
                "TREEWAVE_REBOOT_STRATEGY", "command",
                "TREEWAVE_REBOOT_COMMAND", "/bin/echo ${HOME}"));

    assertThat(config.rebootCommand()).containsExactly("/bin/echo", "${HOME}");
  }

  @Test
  void aBadVariableIsNamedAndAFlagOverridesIt() throws Exception {
    Map<String, String> env = Map.of("NODE_NAME", "n", "TREEWAVE_RESYNC_INTERVAL", "1.5m");

    assertThatThrownBy(() -> AgentConfigParser.parse(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--resync-interval")
        .hasMessageContaining("got '1.5m'")
        .hasMessageContaining("(from TREEWAVE_RESYNC_INTERVAL)");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--resync-interval=1.5m"))
        .hasMessageNotContaining("TREEWAVE_RESYNC_INTERVAL");
  }

  @Test
  void aRepeatedFlagTakesItsLastValue() throws Exception {
    assertThat(
            AgentConfigParser.parse(Map.of("NODE_NAME", "n"), "--http-port=1", "--http-port=2")
                .httpPort())
        .isEqualTo(2);
  }

  @Test
  void usageListsEveryFlagWithItsVariableAndDefault() {
    String usage = AgentConfigParser.usage();
    List<OptionSpec> options = AgentConfigParser.commandLine(Map.of()).getCommandSpec().options();
    for (OptionSpec option : options) {
      assertThat(usage).contains(option.longestName());
      if (!option.usageHelp()) {
        assertThat(option.descriptionKey()).as(option.longestName()).isNotBlank();
        assertThat(usage).contains(option.descriptionKey());
      }
    }
    assertThat(options).hasSizeGreaterThan(15);
    assertThat(usage).contains("Default: 1Gi").contains("Default: 60s");
    assertThat(AgentConfigParser.helpRequested("--node-name=n", "--help")).isTrue();
    assertThat(AgentConfigParser.helpRequested("--node-name=n")).isFalse();
  }
}
