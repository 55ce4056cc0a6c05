package dev.treewave.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
        .hasMessageContaining("unknown flag --colour")
        .hasMessageContaining("--node-name");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--http-port=70000"))
        .hasMessageContaining("0..65535");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--http-port"))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> AgentConfigParser.parse(env, "--heartbeat-interval=10s"))
        .hasMessageContaining("must not be shorter than --resync-interval");
  }

  @Test
  void usageListsEverySetting() {
    for (AgentConfigParser.Option option : AgentConfigParser.Option.values()) {
      assertThat(AgentConfigParser.usage()).contains("--" + option.flag).contains(option.env);
    }
    assertThat(List.of(AgentConfigParser.Option.values())).hasSizeGreaterThan(10);
  }
}
