package dev.treewave.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PkiAndKubeconfigTest {

  private static final Pki PKI = Pki.generate();

  @Test
  void serverCertificateIsSignedByTheCaForLoopbackAndInClusterNames() throws Exception {
    X509Certificate server = PKI.apiServer.certificate();
    server.verify(PKI.ca.certificate().getPublicKey());

    assertThat(server.getSubjectAlternativeNames())
        .extracting(san -> (Object) san.get(1))
        .contains((Object) "127.0.0.1", "10.0.0.1", "localhost", "kubernetes.default.svc");
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(PKI.ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void adminIsAClientInSystemMasters() throws Exception {
    X509Certificate admin = PKI.admin.certificate();
    admin.verify(PKI.ca.certificate().getPublicKey());

    assertThat(admin.getSubjectX500Principal().getName()).contains("O=system:masters");
    assertThat(admin.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
  }

  @Test
  void certificateKubeconfigParsesWithFabric8() {
    String yaml =
        Kubeconfig.withClientCertificate(
            "https://127.0.0.1:6443",
            PKI.ca.certificatePem(),
            PKI.admin.certificatePem(),
            PKI.admin.privateKeyPem());

    Config config = Config.fromKubeconfig(yaml);

    assertThat(config.getMasterUrl()).startsWith("https://127.0.0.1:6443");
    assertThat(config.getCaCertData()).isNotBlank();
    assertThat(config.getClientCertData()).isNotBlank();
    assertThat(config.getClientKeyData()).isNotBlank();
    assertThat(config.getNamespace()).isEqualTo("default");
  }

  @Test
  void tokenKubeconfigCarriesTheToken() {
    String yaml =
        Kubeconfig.withToken(
            "https://127.0.0.1:6443",
            PKI.ca.certificatePem(),
            "system:serviceaccount:ns:sa",
            "aaa.bbb.ccc");

    assertThat(Config.fromKubeconfig(yaml).getAutoOAuthToken()).isEqualTo("aaa.bbb.ccc");
  }

  @Test
  void freePortsAreDistinct() {
    int[] ports = ControlPlane.freeLoopbackPorts(3);

    assertThat(List.of(ports[0], ports[1], ports[2])).doesNotHaveDuplicates();
  }
}
