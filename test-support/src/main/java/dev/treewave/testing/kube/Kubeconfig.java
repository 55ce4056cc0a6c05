package dev.treewave.testing.kube;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Renders self-contained kubeconfigs (certificates inlined) for the test control plane. */
final class Kubeconfig {

  private Kubeconfig() {}

  static String withClientCertificate(String server, String caPem, String certPem, String keyPem) {
    return render(
        server,
        caPem,
        "treewave-admin",
        "    client-certificate-data: "
            + b64(certPem)
            + "\n    client-key-data: "
            + b64(keyPem)
            + "\n");
  }

  static String withToken(String server, String caPem, String user, String token) {
    // Tokens are JWTs: base64url and dots only, safe unquoted in YAML.
    return render(server, caPem, user, "    token: " + token + "\n");
  }

  private static String render(String server, String caPem, String user, String credentials) {
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: treewave-test\n"
        + "  cluster:\n"
        + "    server: "
        + server
        + "\n"
        + "    certificate-authority-data: "
        + b64(caPem)
        + "\n"
        + "users:\n"
        + "- name: "
        + user
        + "\n"
        + "  user:\n"
        + credentials
        + "contexts:\n"
        + "- name: treewave-test\n"
        + "  context:\n"
        + "    cluster: treewave-test\n"
        + "    user: "
        + user
        + "\n"
        + "    namespace: default\n"
        + "current-context: treewave-test\n";
  }

  private static String b64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
  }
}
