package dev.treewave.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.agent.config.AgentConfig;
import dev.treewave.agent.config.AgentConfigParser;
import dev.treewave.agent.host.CommandRebooter;
import dev.treewave.agent.host.HostOs;
import dev.treewave.agent.host.Management;
import dev.treewave.agent.host.NoRebooter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMainTest {

  @TempDir Path hostRoot;

  @Test
  void aHostWithoutOstreeIsReportedUnmanagedInsteadOfCrashingTheAgent() throws Exception {
    HostOs host =
        AgentMain.openHost(
            AgentConfigParser.parse(Map.of("NODE_NAME", "n"), "--host-root=" + hostRoot));

    Management management = host.inspect().management();
    assertThat(management).isInstanceOf(Management.NotOstreeBooted.class);
    assertThat(((Management.NotOstreeBooted) management).detail()).contains("ostree/repo");
    assertThat(host.inspect().bootId()).isNotBlank();
  }

  @Test
  void theRebootStrategyPicksTheRebooter() throws Exception {
    assertThat(AgentMain.rebooter(AgentConfigParser.parse(Map.of("NODE_NAME", "n"))))
        .isInstanceOfSatisfying(
            CommandRebooter.class,
            r -> assertThat(r.argv()).isEqualTo(CommandRebooter.SYSTEMD_ARGV));
    assertThat(
            AgentMain.rebooter(
                AgentConfigParser.parse(Map.of("NODE_NAME", "n"), "--reboot-strategy=none")))
        .isInstanceOf(NoRebooter.class);
    assertThat(
            AgentMain.rebooter(
                AgentConfigParser.parse(
                    Map.of("NODE_NAME", "n"),
                    "--reboot-strategy=command",
                    "--reboot-command=/sbin/reboot -f")))
        .isInstanceOfSatisfying(
            CommandRebooter.class, r -> assertThat(r.argv()).containsExactly("/sbin/reboot", "-f"));
  }

  @Test
  void helpPrintsEveryFlagAndStartsNothing() throws Exception {
    Launch launch = launch(Map.of(), "--help");

    assertThat(launch.code).isZero();
    assertThat(launch.out.toString())
        .startsWith("Usage: treewave-node-agent")
        .contains("--disk-reserve")
        .contains("TREEWAVE_DISK_RESERVE");
    assertThat(launch.started).isNull();
  }

  @Test
  void aBadValueIsOneLineAndExitCodeTwo() throws Exception {
    Launch launch = launch(Map.of("NODE_NAME", "n"), "--disk-reserve=1GiB");

    assertThat(launch.code).isEqualTo(2);
    assertThat(launch.err.toString().lines().toList())
        .containsExactly(
            "treewave-node-agent: Invalid value for option '--disk-reserve': must be a quantity"
                + " like 512Mi or 2Gi, got '1GiB'");
    assertThat(launch.started).isNull();
  }

  @Test
  void withoutANodeNameTheAgentRefusesToStartNamingTheVariable() throws Exception {
    Launch launch = launch(Map.of());

    assertThat(launch.code).isEqualTo(2);
    assertThat(launch.err.toString()).contains("NODE_NAME").hasLineCount(1);
  }

  @Test
  void aHostThatCannotBeOpenedIsOneLineAndExitCodeOne() throws Exception {
    Launch launch =
        launch(Map.of("NODE_NAME", "n"), "--host-root=" + hostRoot, "--proc=" + hostRoot);

    assertThat(launch.code).isEqualTo(1);
    assertThat(launch.err.toString()).hasLineCount(1).contains("boot_id").doesNotContain("\tat ");
    assertThat(launch.started).isNull();
  }

  @Test
  void aGoodConfigurationStartsTheAgentOnItsHost() throws Exception {
    Launch launch =
        launch(
            Map.of("NODE_NAME", "n", "TREEWAVE_HOST_ROOT", hostRoot.toString()), "--http-port=0");

    assertThat(launch.code).isZero();
    assertThat(launch.started.nodeName()).isEqualTo("n");
    assertThat(launch.started.hostRoot()).isEqualTo(hostRoot);
    assertThat(launch.started.httpPort()).isZero();
    assertThat(launch.err.toString()).isEmpty();
  }

  private static final class Launch {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    AgentConfig started;
    int code;
  }

  private static Launch launch(Map<String, String> env, String... args) throws Exception {
    Launch launch = new Launch();
    launch.code =
        AgentMain.launch(
            env,
            new PrintWriter(launch.out, true),
            new PrintWriter(launch.err, true),
            (config, host) -> launch.started = config,
            args);
    return launch;
  }
}
