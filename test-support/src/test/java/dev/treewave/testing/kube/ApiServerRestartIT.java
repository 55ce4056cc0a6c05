package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Stopping and starting the API server keeps its port, certificates and etcd data. */
class ApiServerRestartIT {

  @Test
  void aRestartedApiServerServesTheSameDataOnTheSamePortAndCloseStopsIt() {
    URI url;
    try (ControlPlane plane =
        ControlPlane.start(ControlPlaneOptions.apiServerOnly().withName("restart"))) {
      url = plane.apiServerUrl();
      plane
          .client()
          .configMaps()
          .inNamespace("default")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("kept")
                  .endMetadata()
                  .addToData("k", "v")
                  .build())
          .create();

      long t0 = System.nanoTime();
      plane.stopApiServer();
      assertThat(plane.apiServerRunning()).isFalse();
      assertThat(accepts(url)).as("refuses connections while stopped").isFalse();
      assertThatThrownBy(plane::stopApiServer).isInstanceOf(IllegalStateException.class);

      plane.startApiServer();
      System.out.printf(
          "treewave: kube-apiserver stopped and ready again in %d ms%n",
          (System.nanoTime() - t0) / 1_000_000);
      assertThat(plane.apiServerUrl()).isEqualTo(url);
      assertThatThrownBy(plane::startApiServer).isInstanceOf(IllegalStateException.class);
      // A client built from the old kubeconfig (same CA, same admin certificate) still works.
      Config config = Config.fromKubeconfig(plane.kubeconfigYaml());
      try (KubernetesClient fresh = new KubernetesClientBuilder().withConfig(config).build()) {
        assertThat(fresh.configMaps().inNamespace("default").withName("kept").get().getData())
            .containsEntry("k", "v");
      }
      assertThat(plane.client().configMaps().inNamespace("default").withName("kept").get())
          .as("the shared client reconnects")
          .isNotNull();
    }
    assertThat(accepts(url)).as("the restarted API server is stopped by close()").isFalse();
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
