package dev.treewave.testing.kube;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * The throw-away PKI of one control plane: a CA, the API server's serving certificate (for
 * 127.0.0.1 and the in-cluster names), an admin client certificate in {@code system:masters} and
 * the service-account signing key. Generated in memory with Bouncy Castle, so no openssl is needed.
 */
final class Pki {

  /** A key with its certificate, as PEM text (what kubeconfigs and the binaries read). */
  record Credential(KeyPair keyPair, X509Certificate certificate) {
    String certificatePem() {
      return pem(certificate);
    }

    /** SEC1 "EC PRIVATE KEY" with the curve named: the form fabric8's kubeconfig loader reads. */
    String privateKeyPem() {
      return Pki.sec1Pem(keyPair);
    }
  }

  private static final Duration VALIDITY = Duration.ofDays(2);
  private static final SecureRandom RANDOM = new SecureRandom();

  final Credential ca;
  final Credential apiServer;
  final Credential admin;
  final KeyPair serviceAccountKey;

  private Pki(Credential ca, Credential apiServer, Credential admin, KeyPair serviceAccountKey) {
    this.ca = ca;
    this.apiServer = apiServer;
    this.admin = admin;
    this.serviceAccountKey = serviceAccountKey;
  }

  static Pki generate() {
    try {
      KeyPair caKey = ec();
      X500Name caName = new X500Name("CN=treewave-test-ca");
      X509Certificate caCert =
          sign(caName, caKey, caName, caKey.getPrivate(), null, CertKind.CA, List.of());
      Credential ca = new Credential(caKey, caCert);

      KeyPair serverKey = ec();
      List<GeneralName> sans =
          List.of(
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              // The first IP of --service-cluster-ip-range: the in-cluster "kubernetes" Service.
              new GeneralName(GeneralName.iPAddress, "10.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.dNSName, "kubernetes"),
              new GeneralName(GeneralName.dNSName, "kubernetes.default"),
              new GeneralName(GeneralName.dNSName, "kubernetes.default.svc"),
              new GeneralName(GeneralName.dNSName, "kubernetes.default.svc.cluster.local"));
      X509Certificate serverCert =
          sign(
              new X500Name("CN=kube-apiserver"),
              serverKey,
              caName,
              caKey.getPrivate(),
              caCert,
              CertKind.SERVER,
              sans);

      KeyPair adminKey = ec();
      X509Certificate adminCert =
          sign(
              new X500Name("O=system:masters,CN=treewave-admin"),
              adminKey,
              caName,
              caKey.getPrivate(),
              caCert,
              CertKind.CLIENT,
              List.of());
      return new Pki(
          ca, new Credential(serverKey, serverCert), new Credential(adminKey, adminCert), ec());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot generate the control plane's certificates", e);
    }
  }

  /**
   * A client certificate for {@code user} in {@code groups}, signed by the CA: the identity the API
   * server takes from a real kubelet (user {@code system:node:NAME}, group {@code system:nodes}).
   */
  Credential client(String user, List<String> groups) {
    try {
      X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
      groups.forEach(g -> subject.addRDN(BCStyle.O, g));
      subject.addRDN(BCStyle.CN, user);
      KeyPair key = ec();
      X509Certificate cert =
          sign(
              subject.build(),
              key,
              X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
              ca.keyPair().getPrivate(),
              ca.certificate(),
              CertKind.CLIENT,
              List.of());
      return new Credential(key, cert);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot sign a client certificate for " + user, e);
    }
  }

  /** Writes the files the binaries read into {@code dir}. */
  void writeTo(Path dir) {
    write(dir.resolve("ca.crt"), ca.certificatePem());
    write(dir.resolve("apiserver.crt"), apiServer.certificatePem());
    write(dir.resolve("apiserver.key"), apiServer.privateKeyPem());
    write(dir.resolve("sa.key"), privateKeyPem(serviceAccountKey.getPrivate()));
    write(dir.resolve("sa.pub"), pem(serviceAccountKey.getPublic()));
  }

  /** TLS for probing the API server directly (readiness) as the admin, trusting only our CA. */
  SSLContext adminSslContext() {
    try {
      char[] password = "changeit".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "admin", admin.keyPair().getPrivate(), password, new Certificate[] {admin.certificate()});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the admin TLS context", e);
    }
  }

  private enum CertKind {
    CA,
    SERVER,
    CLIENT
  }

  private static X509Certificate sign(
      X500Name subject,
      KeyPair subjectKey,
      X500Name issuer,
      PrivateKey issuerKey,
      X509Certificate issuerCert,
      CertKind kind,
      List<GeneralName> sans)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    // Back-dated a little: the binaries and the JVM may disagree on "now" by a second or two.
    Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, RANDOM).add(BigInteger.ONE),
            Date.from(notBefore),
            Date.from(notBefore.plus(VALIDITY)),
            subject,
            subjectKey.getPublic());
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(
        Extension.subjectKeyIdentifier,
        false,
        utils.createSubjectKeyIdentifier(subjectKey.getPublic()));
    if (issuerCert != null) {
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerCert));
    }
    switch (kind) {
      case CA -> {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      }
      case SERVER, CLIENT -> {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(
                kind == CertKind.SERVER
                    ? KeyPurposeId.id_kp_serverAuth
                    : KeyPurposeId.id_kp_clientAuth));
      }
    }
    if (!sans.isEmpty()) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new ArrayList<>(sans).toArray(GeneralName[]::new)));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  /**
   * ECDSA P-256 everywhere: generating four RSA-2048 keys took about 5 s on a busy 2-core machine,
   * these take a few ms. Go (kube-*, ES256 service-account tokens) and fabric8 both read them.
   */
  private static KeyPair ec() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  /**
   * PKCS#8 ("PRIVATE KEY"), which carries the curve: Go's key parsers and fabric8 read it, while
   * the bare SEC1 form Bouncy Castle's PEM writer makes of a JDK EC key has no curve and is
   * refused.
   */
  static String privateKeyPem(PrivateKey key) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }

  static String sec1Pem(KeyPair pair) {
    ECPrivateKey key = (ECPrivateKey) pair.getPrivate();
    DERBitString publicPoint =
        new DERBitString(
            SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded())
                .getPublicKeyData()
                .getBytes());
    try {
      byte[] der =
          new org.bouncycastle.asn1.sec.ECPrivateKey(
                  256, key.getS(), publicPoint, SECObjectIdentifiers.secp256r1)
              .getEncoded();
      return pem(new PemObject("EC PRIVATE KEY", der));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
