package dev.treewave.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostManagementProbeTest {

  @TempDir Path dir;

  private Path host() throws Exception {
    Path host = Files.createDirectories(dir.resolve("host"));
    Files.createDirectories(host.resolve("run"));
    return host;
  }

  private Path proc(String... comms) throws Exception {
    Path proc = Files.createDirectories(dir.resolve("proc"));
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/comm"), "rpm-ostreed\n"); // not a pid: ignored
    for (int i = 0; i < comms.length; i++) {
      Path pid = Files.createDirectories(proc.resolve(Integer.toString(100 + i)));
      Files.writeString(pid.resolve("comm"), comms[i] + "\n");
    }
    return proc;
  }

  @Test
  void anOstreeHostWithoutOtherManagersIsOurs() throws Exception {
    Path host = host();
    Files.createFile(host.resolve("run/ostree-booted"));

    assertThat(new HostManagementProbe(host, proc("systemd", "kubelet")).probe())
        .isEqualTo(new Management.Managed());
  }

  @Test
  void aHostNotBootedFromOstreeIsRefused() throws Exception {
    Management management = new HostManagementProbe(host(), proc("systemd")).probe();

    assertThat(management).isInstanceOf(Management.NotOstreeBooted.class);
    assertThat(((Management.NotOstreeBooted) management).detail()).contains("ostree-booted");
  }

  @Test
  void aRunningRpmOstreeDaemonOrZincatiOwnsTheHost() throws Exception {
    Path host = host();
    Files.createFile(host.resolve("run/ostree-booted"));

    Management rpmOstree = new HostManagementProbe(host, proc("systemd", "rpm-ostreed")).probe();
    assertThat(rpmOstree)
        .isEqualTo(new Management.ManagedByOther("rpm-ostree", "rpm-ostreed is running (pid 101)"));
    Files.delete(dir.resolve("proc/101/comm"));
    Files.delete(dir.resolve("proc/101"));
    Files.writeString(
        Files.createDirectories(dir.resolve("proc/300")).resolve("comm"), "zincati\n");
    Management zincati = new HostManagementProbe(host, dir.resolve("proc")).probe();
    assertThat(((Management.ManagedByOther) zincati).tool()).isEqualTo("zincati");
  }

  @Test
  void enabledAutomaticUpdatesOwnTheHost() throws Exception {
    Path host = host();
    Files.createFile(host.resolve("run/ostree-booted"));
    Path timer = host.resolve("etc/systemd/system/timers.target.wants/rpm-ostreed-automatic.timer");
    Files.createDirectories(timer.getParent());
    Files.createFile(timer);

    Management management = new HostManagementProbe(host, proc("systemd")).probe();
    assertThat(((Management.ManagedByOther) management).detail()).contains("automatic updates");
  }

  @Test
  void readsTheBootId() throws Exception {
    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve("sys/kernel/random"));
    Files.writeString(proc.resolve("sys/kernel/random/boot_id"), "0f1e-42\n");

    assertThat(HostManagementProbe.bootId(proc)).isEqualTo("0f1e-42");
    assertThat(HostManagementProbe.bootId(Path.of("/proc"))).matches("[0-9a-f-]{36}");
  }
}
