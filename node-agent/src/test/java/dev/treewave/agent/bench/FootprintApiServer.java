package dev.treewave.agent.bench;

import dev.treewave.agent.testing.TestNode;
import dev.treewave.api.v1alpha1.ImageSource;
import dev.treewave.api.v1alpha1.Instruction;
import dev.treewave.api.v1alpha1.NodeAction;
import dev.treewave.api.v1alpha1.OSNode;
import dev.treewave.api.v1alpha1.OSNodeSpec;
import dev.treewave.api.v1alpha1.Verification;
import dev.treewave.api.v1alpha1.VerificationMode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * The API server side of the footprint measurement (node-agent/bench/footprint.sh): the Fabric8
 * mock API server on 127.0.0.1 with one OSNode, in its own process so its memory is not counted.
 * Prints its URL. Without arguments the OSNode asks for a commit the fake host already booted (the
 * agent stays idle); with {@code REPO_URL REF COMMIT} it asks to stage that commit, unsigned (the
 * pull measurement of bench/pull-footprint.sh).
 */
public final class FootprintApiServer {

  private FootprintApiServer() {}

  public static void main(String[] args) throws Exception {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    try (KubernetesClient client = server.createClient()) {
      client
          .resources(OSNode.class)
          .resource(
              new OSNode(
                  FootprintAgent.NODE,
                  new OSNodeSpec(
                      "bench",
                      TestNode.OS,
                      args.length == 3
                          ? new ImageSource(args[0], args[1], args[2])
                          : new ImageSource("http://127.0.0.1:1/repo", TestNode.REF, TestNode.A),
                      new Verification(VerificationMode.Disabled, null),
                      null,
                      args.length == 3
                          ? new Instruction("s1", NodeAction.Stage, args[2], null)
                          : new Instruction("a1", NodeAction.Activate, TestNode.A, null))))
          .create();
    }
    System.out.println(server.url("/"));
    System.out.flush();
    Thread.currentThread().join();
  }
}
