package dev.treewave.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.agent.config.AgentConfigParser;
import dev.treewave.agent.host.CommandRebooter;
import dev.treewave.agent.host.HostOs;
import dev.treewave.agent.host.Management;
import dev.treewave.agent.host.NoRebooter;
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
}
