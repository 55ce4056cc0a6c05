package dev.treewave.operator.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real operator ({@code OperatorMain run}) in its own JVM with fixed flags, so its heap and RSS
 * are its own. Heap use is sampled once a second by {@code jstat -gc} (young + old generation used;
 * metaspace apart), peak RSS is the kernel's VmHWM.
 */
final class OperatorProcess implements AutoCloseable {
  private final Process process;
  private final int metricsPort;
  private final Path javaBin;
  private final AtomicLong peakHeapKb = new AtomicLong();
  private Process jstat;

  private OperatorProcess(Process process, int metricsPort, Path javaBin) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.javaBin = javaBin;
  }

  static OperatorProcess start(
      String classpath, List<String> jvmFlags, Path kubeconfig, int metricsPort, Path log)
      throws IOException {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin");
    List<String> command = new ArrayList<>();
    command.add(javaBin.resolve("java").toString());
    command.addAll(jvmFlags);
    command.addAll(
        List.of(
            "-cp",
            classpath,
            "dev.treewave.operator.OperatorMain",
            "run",
            "--metrics-bind",
            "127.0.0.1:" + metricsPort,
            "--lease-namespace",
            "treewave-system"));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("POD_NAME", "treewave-operator-bench");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    return new OperatorProcess(builder.start(), metricsPort, javaBin);
  }

  long pid() {
    return process.pid();
  }

  /** Waits until /readyz answers 200: it holds the lease and its informers are synced. */
  void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    URI readyz = URI.create("http://127.0.0.1:" + metricsPort + "/readyz");
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator exited with " + process.exitValue());
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the operator was not ready within " + timeout);
  }

  /** The sum of one counter over its tags on the operator's /metrics, 0 if absent. */
  double metric(String name) throws IOException, InterruptedException {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Starts sampling heap use (jstat, every second) until {@link #close()}. */
  void sampleHeap() throws IOException {
    jstat =
        new ProcessBuilder(
                javaBin.resolve("jstat").toString(), "-gc", String.valueOf(pid()), "1000")
            .redirectErrorStream(true)
            .start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
                List<String> header = null;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  List<String> cells = Arrays.asList(line.trim().split("\\s+"));
                  if (cells.contains("EU")) {
                    header = cells;
                  } else if (header != null && cells.size() == header.size()) {
                    double kb = 0;
                    for (String column : List.of("S0U", "S1U", "EU", "OU")) {
                      kb += Double.parseDouble(cells.get(header.indexOf(column)));
                    }
                    peakHeapKb.accumulateAndGet((long) kb, Math::max);
                  }
                }
              } catch (IOException | RuntimeException e) {
                // the sampler ends with the operator
              }
            },
            "jstat-reader");
    reader.setDaemon(true);
    reader.start();
  }

  long peakHeapKb() {
    return peakHeapKb.get();
  }

  /**
   * The live set: bytes of reachable objects, from {@code jcmd GC.class_histogram}, which runs a
   * full collection first. Sampling "used" after a GC does not work here: the idle operator keeps
   * reconciling on kwok's Node heartbeats and allocates again within the second.
   */
  long liveHeapKb() throws IOException, InterruptedException {
    Process histogram =
        new ProcessBuilder(
                javaBin.resolve("jcmd").toString(), String.valueOf(pid()), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    histogram.waitFor(60, TimeUnit.SECONDS);
    for (String line : out.split("\n")) {
      if (line.trim().startsWith("Total")) {
        String[] cells = line.trim().split("\\s+");
        return Long.parseLong(cells[2]) / 1024;
      }
    }
    throw new IllegalStateException("no Total line in jcmd GC.class_histogram:\n" + out);
  }

  /** {@code VmHWM} (peak) and {@code VmRSS} (now) from /proc, in KiB. */
  long[] rssKb() {
    long peak = -1;
    long now = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          peak = Long.parseLong(line.replaceAll("\\D", ""));
        } else if (line.startsWith("VmRSS:")) {
          now = Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new long[] {peak, now};
  }

  /** CPU seconds (user + system) the operator used so far, from /proc/PID/stat. */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (jstat != null) {
      jstat.destroy();
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      if (jstat != null && !jstat.waitFor(5, TimeUnit.SECONDS)) {
        jstat.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
