package dev.treewave.testing.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real Kubernetes control plane on 127.0.0.1 for integration and end-to-end tests: etcd and
 * kube-apiserver, and on request kube-controller-manager, kube-scheduler and kwok (fake kubelets),
 * all started as child processes from the Go-built binaries ({@link ControlPlaneBinaries}).
 *
 * <pre>{@code
 * try (ControlPlane plane = ControlPlane.start(ControlPlaneOptions.full())) {
 *   KubernetesClient admin = plane.client();
 *   plane.kwokNodes().createReady("worker-1", Map.of());
 *   // child processes: plane.kubeconfigFile()
 * }
 * }</pre>
 *
 * <p>Every port is free and bound to 127.0.0.1; certificates are generated per instance. {@link
 * #close()} stops every process (whole process trees, SIGTERM then SIGKILL) and deletes the temp
 * folder (etcd data, keys, kubeconfig); a JVM shutdown hook does the same for planes still open.
 * Component logs stay in {@link #logDir()} for diagnosis.
 */
public final class ControlPlane implements AutoCloseable {

  /** The Kubernetes version the binaries are built at; {@code /version} reports it. */
  public static final String KUBERNETES_VERSION = "v1.32.5";

  static final String SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc";
  private static final Set<ControlPlane> OPEN = ConcurrentHashMap.newKeySet();
  private static final Thread SHUTDOWN_HOOK = new Thread(ControlPlane::closeAllOpen, "cp-stop");

  static {
    Runtime.getRuntime().addShutdownHook(SHUTDOWN_HOOK);
  }

  private final ControlPlaneOptions options;
  private final Path workDir;
  private final Path logDir;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();
  private Pki pki;
  private URI apiServerUrl;
  private String etcdUrl;
  private String kubeconfigYaml;
  private Path kubeconfigFile;
  private KubernetesClient client;
  private Duration startupTime;
  // Kept to start the API server again with the same port, certificates, etcd and flags.
  private List<String> apiServerCommand;
  private int apiServerIndex = -1;
  private final java.util.Map<String, Duration> phases = new java.util.LinkedHashMap<>();
  private long phaseStart;
  private volatile boolean closed;

  private ControlPlane(ControlPlaneOptions options, Path workDir, Path logDir) {
    this.options = options;
    this.workDir = workDir;
    this.logDir = logDir;
  }

  /**
   * Starts a control plane and waits until the API server is ready. Throws {@link
   * dev.treewave.testing.RequiredTool#missing} when the binaries are not built.
   */
  public static ControlPlane start(ControlPlaneOptions options) {
    ControlPlaneBinaries binaries = ControlPlaneBinaries.locate();
    long began = System.nanoTime();
    Path workDir;
    Path logDir;
    try {
      workDir = Files.createTempDirectory("treewave-cp-");
      logDir = newLogDir(options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the control plane's folders", e);
    }
    ControlPlane plane = new ControlPlane(options, workDir, logDir);
    OPEN.add(plane);
    try {
      plane.boot(binaries);
    } catch (RuntimeException | Error e) {
      String diagnosis = plane.describeLogs();
      plane.close();
      throw new IllegalStateException("control plane failed to start; " + diagnosis, e);
    }
    plane.startupTime = Duration.ofNanos(System.nanoTime() - began);
    return plane;
  }

  // ---------------------------------------------------------------------------------------------
  // What tests use

  /** The admin client (system:masters). Shared; closed by {@link #close()}. */
  public KubernetesClient client() {
    return client;
  }

  /** A fresh admin client configuration, e.g. to tune retries before building a client. */
  public Config adminConfig() {
    return Config.fromKubeconfig(kubeconfigYaml);
  }

  /** The admin kubeconfig as YAML (certificates inlined). */
  public String kubeconfigYaml() {
    return kubeconfigYaml;
  }

  /** The admin kubeconfig as a file, for child processes (operator, agent, kubectl). */
  public Path kubeconfigFile() {
    return kubeconfigFile;
  }

  /** {@code https://127.0.0.1:<port>}. */
  public URI apiServerUrl() {
    return apiServerUrl;
  }

  /** {@code http://127.0.0.1:<port>} of etcd (plain HTTP, loopback only). */
  public String etcdUrl() {
    return etcdUrl;
  }

  /** The CA certificate (PEM) the API server's serving certificate is signed by. */
  public String caCertificatePem() {
    return pki.ca.certificatePem();
  }

  public ControlPlaneOptions options() {
    return options;
  }

  /** From {@link #start} until the API server (and the requested components) were up. */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * Where the startup time went, e.g. {@code certificates=40ms etcd=900ms kube-apiserver=4100ms}.
   */
  public String startupPhases() {
    StringBuilder out = new StringBuilder();
    phases.forEach(
        (name, took) ->
            out.append(out.length() == 0 ? "" : " ")
                .append(name)
                .append('=')
                .append(took.toMillis())
                .append("ms"));
    return out.toString();
  }

  /** The folder holding one log file per component (kept after close). */
  public Path logDir() {
    return logDir;
  }

  /** The log file of every component started, in start order. */
  public List<Path> logFiles() {
    return processes.stream().map(ManagedProcess::log).toList();
  }

  /**
   * A token for ServiceAccount {@code namespace/name} from the TokenRequest API, valid 24 h.
   *
   * @param boundTo null, or a Pod, Node or Secret (as read from the API server: it needs its uid)
   *     to bind the token to; a token bound to a Pod or Node carries the node's name in its claims
   *     and dies with the object
   */
  public String serviceAccountToken(String namespace, String name, HasMetadata boundTo) {
    TokenRequestBuilder request =
        new TokenRequestBuilder().withNewSpec().withExpirationSeconds(24 * 3600L).endSpec();
    if (boundTo != null) {
      request
          .editSpec()
          .withNewBoundObjectRef()
          .withApiVersion(boundTo.getApiVersion() == null ? "v1" : boundTo.getApiVersion())
          .withKind(boundTo.getKind())
          .withName(boundTo.getMetadata().getName())
          .withUid(boundTo.getMetadata().getUid())
          .endBoundObjectRef()
          .endSpec();
    }
    TokenRequest issued =
        client
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(name)
            .tokenRequest(request.build());
    return issued.getStatus().getToken();
  }

  /**
   * A kubeconfig (YAML) that authenticates with a client certificate, signed by this plane's CA,
   * for {@code user} in {@code groups}; e.g. a real kubelet's ({@code system:node:NAME}, {@code
   * system:nodes}). What the user may do is up to RBAC (the plane runs no Node authorizer).
   */
  public String clientCertificateKubeconfig(String user, List<String> groups) {
    Pki.Credential c = pki.client(user, groups);
    return Kubeconfig.withClientCertificate(
        apiServerUrl.toString(), pki.ca.certificatePem(), c.certificatePem(), c.privateKeyPem());
  }

  /** A kubeconfig (YAML) that authenticates as ServiceAccount {@code namespace/name}. */
  public String serviceAccountKubeconfig(String namespace, String name, HasMetadata boundTo) {
    return Kubeconfig.withToken(
        apiServerUrl.toString(),
        pki.ca.certificatePem(),
        "system:serviceaccount:" + namespace + ":" + name,
        serviceAccountToken(namespace, name, boundTo));
  }

  /**
   * Writes {@link #serviceAccountKubeconfig} to a file in the temp folder, for a child process that
   * must run with the ServiceAccount's rights (e.g. the node agent).
   */
  public Path writeServiceAccountKubeconfig(String namespace, String name, HasMetadata boundTo) {
    Path file = workDir.resolve("kubeconfig-" + namespace + "-" + name + "-" + System.nanoTime());
    write(file, serviceAccountKubeconfig(namespace, name, boundTo));
    return file;
  }

  /** A client acting as ServiceAccount {@code namespace/name}; closed by {@link #close()} too. */
  public KubernetesClient serviceAccountClient(String namespace, String name) {
    return serviceAccountClient(namespace, name, null);
  }

  /** As {@link #serviceAccountClient(String, String)}, the token bound to {@code boundTo}. */
  public KubernetesClient serviceAccountClient(String namespace, String name, HasMetadata boundTo) {
    Config config = Config.fromKubeconfig(serviceAccountKubeconfig(namespace, name, boundTo));
    KubernetesClient saClient = new KubernetesClientBuilder().withConfig(config).build();
    synchronized (clients) {
      clients.add(saClient);
    }
    return saClient;
  }

  /**
   * Creates (or keeps) a namespace and its {@code default} ServiceAccount, so Pods can be created
   * there at once, with or without the controller manager (whose token controller would create the
   * ServiceAccount a little later).
   */
  public Namespace createNamespace(String name) {
    Namespace namespace =
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .patch(
                PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.SERVER_SIDE_APPLY));
    try {
      client
          .serviceAccounts()
          .inNamespace(name)
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("default")
                  .endMetadata()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    return namespace;
  }

  /**
   * Applies one CustomResourceDefinition (server-side, so a plane shared between test classes may
   * see it twice) and waits up to 60 s until it is Established: only then does the API server serve
   * its resources, so a create right after would otherwise fail with 404.
   */
  public CustomResourceDefinition installCrd(InputStream yaml) {
    CustomResourceDefinition crd =
        client.apiextensions().v1().customResourceDefinitions().load(yaml).item();
    client.resource(crd).serverSideApply();
    return client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(ControlPlane::established, 60, TimeUnit.SECONDS);
  }

  /**
   * Installs CRDs from the class path of {@code anchor} (resource names as for {@link
   * Class#getResourceAsStream}, e.g. {@code "/crds/osimages.treewave.dev-v1.yml"}), in order.
   *
   * @throws IllegalStateException if a resource is not on the class path
   */
  public void installCrds(Class<?> anchor, String... classpathResources) {
    for (String resource : classpathResources) {
      try (InputStream yaml = anchor.getResourceAsStream(resource)) {
        if (yaml == null) {
          throw new IllegalStateException(
              "CRD " + resource + " is not on the class path of " + anchor.getName());
        }
        installCrd(yaml);
      } catch (IOException e) {
        throw new UncheckedIOException("reading CRD " + resource, e);
      }
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Helpers for kwok's fake Nodes; needs {@link ControlPlaneOptions#kwok()}. */
  public KwokNodes kwokNodes() {
    if (!options.kwok()) {
      throw new IllegalStateException(
          "kwok is not running: start the control plane with kwok (ControlPlaneOptions.withKwok"
              + "(true) or @WithControlPlane(kwok = true))");
    }
    return new KwokNodes(client);
  }

  /**
   * Stops the kube-apiserver (SIGTERM, then SIGKILL), leaving etcd and every other component
   * running: clients see connection refused until {@link #startApiServer()}. Fault injection.
   *
   * @throws IllegalStateException if it is already stopped or the plane is closed
   */
  public synchronized void stopApiServer() {
    ManagedProcess apiServer = processes.get(apiServerIndex);
    if (closed || !apiServer.isAlive()) {
      throw new IllegalStateException("kube-apiserver is not running");
    }
    apiServer.close();
  }

  /**
   * Starts the kube-apiserver again after {@link #stopApiServer()}, on the same port with the same
   * etcd, certificates and flags (so clients and kubeconfigs keep working), and waits until it is
   * ready. Its log goes to a new file.
   *
   * @throws IllegalStateException if it is running, the plane is closed, or it does not get ready
   */
  public synchronized void startApiServer() {
    if (closed || processes.get(apiServerIndex).isAlive()) {
      throw new IllegalStateException("kube-apiserver is running, or the plane is closed");
    }
    // Replaced in place: close() stops processes in reverse start order, as at first start.
    ManagedProcess apiServer =
        ManagedProcess.start(
            "kube-apiserver",
            apiServerCommand,
            logDir.resolve("kube-apiserver-restart-" + System.nanoTime() + ".log"),
            workDir);
    processes.set(apiServerIndex, apiServer);
    awaitApiServerReady(apiServer);
  }

  /** Whether the kube-apiserver process runs (it may not be ready yet). */
  public synchronized boolean apiServerRunning() {
    return !closed && processes.get(apiServerIndex).isAlive();
  }

  /** Paths and tails of the component logs, for failure messages. */
  public String describeLogs() {
    StringBuilder out = new StringBuilder("component logs in ").append(logDir).append(':');
    for (ManagedProcess process : processes) {
      out.append("\n  ")
          .append(process.name())
          .append(process.isAlive() ? " (running): " : " (exited): ")
          .append(process.log());
    }
    return out.toString();
  }

  /** Stops every component (reverse start order) and deletes the temp folder. Idempotent. */
  @Override
  public synchronized void close() {
    // Synchronized as a whole: the shutdown hook must wait for a close already under way, or the
    // JVM could exit before the processes are stopped.
    if (closed) {
      return;
    }
    closed = true;
    OPEN.remove(this);
    synchronized (clients) {
      clients.forEach(KubernetesClient::close);
      clients.clear();
    }
    if (client != null) {
      client.close();
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    deleteRecursively(workDir);
  }

  // ---------------------------------------------------------------------------------------------
  // Startup

  private void boot(ControlPlaneBinaries binaries) {
    phaseStart = System.nanoTime();
    pki = Pki.generate();
    phase("certificates");
    Path pkiDir = workDir.resolve("pki");
    createDirectories(pkiDir);
    pki.writeTo(pkiDir);

    startEtcdAndApiServer(binaries, pkiDir);

    kubeconfigYaml =
        Kubeconfig.withClientCertificate(
            apiServerUrl.toString(),
            pki.ca.certificatePem(),
            pki.admin.certificatePem(),
            pki.admin.privateKeyPem());
    kubeconfigFile = workDir.resolve("admin.kubeconfig");
    write(kubeconfigFile, kubeconfigYaml);
    client = new KubernetesClientBuilder().withConfig(adminConfig()).build();
    phase("client");

    String kubeconfigFlag = "--kubeconfig=" + kubeconfigFile;
    if (options.controllerManager()) {
      launch(
          "kube-controller-manager",
          List.of(
              binaries.kubeControllerManager().toString(),
              kubeconfigFlag,
              "--leader-elect=false",
              "--bind-address=127.0.0.1",
              "--secure-port=0",
              "--service-account-private-key-file=" + pkiDir.resolve("sa.key"),
              "--root-ca-file=" + pkiDir.resolve("ca.crt"),
              "--cluster-name=treewave-test"));
    }
    if (options.scheduler()) {
      launch(
          "kube-scheduler",
          List.of(
              binaries.kubeScheduler().toString(),
              kubeconfigFlag,
              "--leader-elect=false",
              "--bind-address=127.0.0.1",
              "--secure-port=0"));
    }
    if (options.kwok()) {
      launch(
          "kwok",
          List.of(
              binaries.kwok().toString(),
              kubeconfigFlag,
              "--manage-all-nodes=false",
              "--manage-nodes-with-annotation-selector="
                  + KwokNodes.ANNOTATION
                  + "="
                  + KwokNodes.ANNOTATION_VALUE,
              "--node-lease-duration-seconds=40"));
    }
    // The extra components have no readiness endpoint here (--secure-port=0 keeps them off the
    // network); what tests wait for (Ready nodes, PDB status) proves them. Fail fast on a crash.
    if (processes.size() > 2) {
      pause(Duration.ofMillis(300));
      processes.forEach(ManagedProcess::checkAlive);
    }
    phase("components");
  }

  private void phase(String name) {
    long now = System.nanoTime();
    phases.merge(name, Duration.ofNanos(now - phaseStart), Duration::plus);
    phaseStart = now;
  }

  /** Picks free ports; retries when another process grabbed one between the pick and the bind. */
  private void startEtcdAndApiServer(ControlPlaneBinaries binaries, Path pkiDir) {
    for (int attempt = 1; ; attempt++) {
      int[] ports = freeLoopbackPorts(3);
      etcdUrl = "http://127.0.0.1:" + ports[0];
      String peerUrl = "http://127.0.0.1:" + ports[1];
      apiServerUrl = URI.create("https://127.0.0.1:" + ports[2]);
      int firstNew = processes.size();
      try {
        ManagedProcess etcd =
            launch(
                "etcd",
                List.of(
                    binaries.etcd().toString(),
                    "--name=cp0",
                    "--data-dir=" + workDir.resolve("etcd-" + attempt),
                    "--listen-client-urls=" + etcdUrl,
                    "--advertise-client-urls=" + etcdUrl,
                    "--listen-peer-urls=" + peerUrl,
                    "--initial-advertise-peer-urls=" + peerUrl,
                    "--initial-cluster=cp0=" + peerUrl,
                    // Throw-away data: skip fsync, which costs seconds on a busy shared disk.
                    "--unsafe-no-fsync=true",
                    "--log-level=warn"));
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        awaitReady(etcd, () -> ok(plain, URI.create(etcdUrl + "/health")), "/health");
        phase("etcd");

        List<String> command =
            new ArrayList<>(
                List.of(
                    binaries.kubeApiServer().toString(),
                    "--etcd-servers=" + etcdUrl,
                    "--bind-address=127.0.0.1",
                    "--advertise-address=127.0.0.1",
                    "--secure-port=" + ports[2],
                    // No kubelets or Endpoints for the kubernetes Service: do not reconcile them.
                    "--endpoint-reconciler-type=none",
                    "--cert-dir=" + workDir.resolve("apiserver-certs"),
                    "--tls-cert-file=" + pkiDir.resolve("apiserver.crt"),
                    "--tls-private-key-file=" + pkiDir.resolve("apiserver.key"),
                    "--client-ca-file=" + pkiDir.resolve("ca.crt"),
                    "--authorization-mode=RBAC",
                    "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
                    "--service-account-key-file=" + pkiDir.resolve("sa.pub"),
                    "--service-account-signing-key-file=" + pkiDir.resolve("sa.key"),
                    "--service-cluster-ip-range=10.0.0.0/24",
                    // The node agent's DaemonSet is privileged.
                    "--allow-privileged=true",
                    "--profiling=false"));
        command.addAll(options.extraApiServerFlags());
        ManagedProcess apiServer = launch("kube-apiserver", command);
        awaitApiServerReady(apiServer);
        apiServerCommand = List.copyOf(command);
        apiServerIndex = processes.indexOf(apiServer);
        phase("kube-apiserver");
        return;
      } catch (IllegalStateException e) {
        boolean portClash =
            processes.subList(firstNew, processes.size()).stream()
                .anyMatch(p -> p.tail(60).contains("address already in use"));
        if (!portClash || attempt >= 3) {
          throw e;
        }
        for (int i = processes.size() - 1; i >= firstNew; i--) {
          processes.remove(i).close();
        }
      }
    }
  }

  private void awaitApiServerReady(ManagedProcess apiServer) {
    HttpClient tls =
        HttpClient.newBuilder()
            .sslContext(pki.adminSslContext())
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    awaitReady(apiServer, () -> ok(tls, apiServerUrl.resolve("/readyz")), "/readyz");
  }

  private ManagedProcess launch(String name, List<String> command) {
    ManagedProcess process =
        ManagedProcess.start(
            name, command, logDir.resolve(name + "-" + processes.size() + ".log"), workDir);
    processes.add(process);
    return process;
  }

  private void awaitReady(ManagedProcess process, BooleanSupplier ready, String probe) {
    long deadline = System.nanoTime() + options.startupTimeout().toNanos();
    while (!ready.getAsBoolean()) {
      process.checkAlive();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            process.name()
                + " not ready ("
                + probe
                + ") within "
                + options.startupTimeout()
                + "; log "
                + process.log()
                + ":\n"
                + process.tail(40));
      }
      pause(Duration.ofMillis(100));
    }
  }

  private static boolean ok(HttpClient http, URI uri) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the control plane", e);
    }
  }

  static int[] freeLoopbackPorts(int count) {
    int[] ports = new int[count];
    List<ServerSocket> held = new ArrayList<>();
    try {
      // Held open together so the same port is not handed out twice.
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        ports[i] = socket.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // only the port number mattered
        }
      }
    }
    return ports;
  }

  private static Path newLogDir(ControlPlaneOptions options) throws IOException {
    Path root = options.logRoot();
    if (root == null) {
      Path target = Path.of("target");
      root =
          Files.isDirectory(target)
              ? target.resolve("controlplane-logs")
              : Path.of(System.getProperty("java.io.tmpdir"), "treewave-controlplane-logs");
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Files.createDirectories(root);
    return Files.createTempDirectory(
            root.toAbsolutePath(),
            options.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + stamp + "-")
        .toAbsolutePath();
  }

  private static void closeAllOpen() {
    for (ControlPlane plane : List.copyOf(OPEN)) {
      try {
        plane.close();
      } catch (RuntimeException e) {
        System.err.println("treewave: could not stop a control plane: " + e);
      }
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("treewave: could not delete " + dir + ": " + e);
    }
  }
}
