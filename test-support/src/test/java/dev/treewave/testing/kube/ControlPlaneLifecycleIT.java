package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The plain API: start, talk to the real API server, and stop leaving nothing behind. */
class ControlPlaneLifecycleIT {

  @Test
  void startsOnLoopbackReportsItsVersionAndStopsEverything() throws Exception {
    Path kubeconfig;
    URI apiServer;
    URI etcd;
    try (ControlPlane plane =
        ControlPlane.start(ControlPlaneOptions.apiServerOnly().withName("lifecycle"))) {
      System.out.printf(
          "treewave: etcd + kube-apiserver started in %d ms (%s)%n",
          plane.startupTime().toMillis(), plane.startupPhases());
      apiServer = plane.apiServerUrl();
      etcd = URI.create(plane.etcdUrl());
      kubeconfig = plane.kubeconfigFile();
      assertThat(apiServer.getHost()).isEqualTo("127.0.0.1");
      assertThat(etcd.getHost()).isEqualTo("127.0.0.1");

      VersionInfo version = plane.client().getKubernetesVersion();
      assertThat(version.getGitVersion()).isEqualTo(ControlPlane.KUBERNETES_VERSION);
      assertThat(version.getMajor() + "." + version.getMinor()).isEqualTo("1.32");

      // The kubeconfig file is what child processes get: it must work on its own.
      assertThat(kubeconfig).exists();
      Config fromFile = Config.fromKubeconfig(Files.readString(kubeconfig));
      try (KubernetesClient other = new KubernetesClientBuilder().withConfig(fromFile).build()) {
        assertThat(other.namespaces().withName("default").get()).isNotNull();
      }
      assertThat(plane.logFiles()).hasSize(2).allSatisfy(log -> assertThat(log).isNotEmptyFile());
      assertThatThrownBy(plane::kwokNodes).hasMessageContaining("kwok is not running");
    }
    assertThat(kubeconfig).doesNotExist();
    assertThat(accepts(apiServer)).as("kube-apiserver still listening").isFalse();
    assertThat(accepts(etcd)).as("etcd still listening").isFalse();
  }

  private static boolean accepts(URI uri) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
