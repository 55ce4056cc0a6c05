package dev.treewave.testing.qemu;

import dev.treewave.testing.Processes;
import dev.treewave.testing.RequiredTool;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code qemu-system-x86_64} guest for a test. Its serial console is read line by line into
 * memory and printed to the test's output as {@code [vm NAME] ...}; tests wait for lines on it.
 * Networking is qemu's user mode with {@code restrict=on}: the guest reaches nothing but the {@code
 * guestfwd} ports given here, each to 127.0.0.1, and the host reaches it only through {@code
 * hostfwd} ports bound to 127.0.0.1. Closing stops the process (SIGTERM, then SIGKILL); a JVM
 * shutdown hook does the same if a test never closes it. Guest reboots stay inside the process.
 */
public final class QemuVm implements AutoCloseable {

  public static final String HINT = "apt-get install qemu-system-x86";

  /** How the guest is run: KVM where a probe boot proved it, else TCG (software). */
  public enum Accel {
    KVM,
    TCG
  }

  private static final Pattern HOSTFWD = Pattern.compile("tcp:127\\.0\\.0\\.1:\\d+-:\\d+");
  // A tcp: chardev target is connected once, at qemu's start; a cmd: target runs one socat per
  // guest connection, which is what a client that connects (and reconnects) later needs.
  private static final Pattern GUESTFWD =
      Pattern.compile(
          "tcp:10\\.0\\.2\\.\\d+:\\d+-(tcp:127\\.0\\.0\\.1:\\d+|cmd:socat - TCP:127\\.0\\.0\\.1:\\d+)");
  private static volatile Accel probed;

  private final String name;
  private final Path disk;
  private final Process process;
  private final Thread hook;
  private final StringBuilder console = new StringBuilder();
  private final Instant started = Instant.now();
  private final Thread reader;

  /** What to boot and how. */
  public record Options(
      String name,
      Path disk,
      int memoryMb,
      Accel accel,
      List<String> hostForwards,
      List<String> guestForwards) {

    public Options {
      for (String f : hostForwards) {
        if (!HOSTFWD.matcher(f).matches()) {
          throw new IllegalArgumentException("hostfwd must be tcp:127.0.0.1:PORT-:PORT: " + f);
        }
      }
      for (String f : guestForwards) {
        if (!GUESTFWD.matcher(f).matches()) {
          throw new IllegalArgumentException(
              "guestfwd must be tcp:10.0.2.N:PORT-tcp:127.0.0.1:PORT or"
                  + " tcp:10.0.2.N:PORT-cmd:socat - TCP:127.0.0.1:PORT: "
                  + f);
        }
      }
      hostForwards = List.copyOf(hostForwards);
      guestForwards = List.copyOf(guestForwards);
    }

    public static Options disk(String name, Path disk, Accel accel) {
      return new Options(name, disk, 512, accel, List.of(), List.of());
    }
  }

  private QemuVm(String name, Path disk, Process process) {
    this.name = name;
    this.disk = disk;
    this.process = process;
    this.hook = new Thread(this::stop, "qemu-stop-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
    this.reader = new Thread(this::readConsole, "qemu-console-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Boots the disk (BIOS, first disk) and returns at once; the console fills as it runs. */
  public static QemuVm boot(Options o) {
    Path qemu = RequiredTool.require("qemu-system-x86_64", HINT);
    StringBuilder netdev = new StringBuilder("user,id=n0,restrict=on");
    o.hostForwards().forEach(f -> netdev.append(",hostfwd=").append(f));
    o.guestForwards().forEach(f -> netdev.append(",guestfwd=").append(f));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                qemu.toString(),
                "-accel",
                o.accel() == Accel.KVM ? "kvm" : "tcg",
                "-cpu",
                o.accel() == Accel.KVM ? "host" : "max",
                "-m",
                Integer.toString(o.memoryMb()),
                "-smp",
                "1",
                "-nodefaults",
                "-no-user-config",
                "-display",
                "none",
                "-serial",
                "stdio",
                "-monitor",
                "none",
                "-drive",
                "file=" + o.disk() + ",format=raw,if=virtio",
                "-netdev",
                netdev.toString(),
                "-device",
                "virtio-net-pci,netdev=n0"));
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      System.out.println("[vm " + o.name() + "] " + String.join(" ", cmd));
      return new QemuVm(o.name(), o.disk(), p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + qemu, e);
    }
  }

  /**
   * KVM if {@code /dev/kvm} opens and a short direct boot of {@code kernel} reaches its first panic
   * (no root filesystem) within 20 s; otherwise TCG. On some machines {@code /dev/kvm} opens but
   * guests hang, hence the boot. {@code -Dtreewave.qemu.accel=tcg|kvm} skips the probe. Probed once
   * per JVM.
   */
  public static Accel accel(Path kernel) {
    String forced = System.getProperty("treewave.qemu.accel", "");
    if (!forced.isBlank()) {
      return Accel.valueOf(forced.strip().toUpperCase(java.util.Locale.ROOT));
    }
    Accel a = probed;
    if (a == null) {
      a = probe(kernel);
      probed = a;
    }
    return a;
  }

  private static Accel probe(Path kernel) {
    Path kvm = Path.of("/dev/kvm");
    if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
      System.out.println("[qemu] /dev/kvm not usable: TCG");
      return Accel.TCG;
    }
    Path qemu = RequiredTool.require("qemu-system-x86_64", HINT);
    long t0 = System.nanoTime();
    try {
      Processes.Result r =
          Processes.run(
              new ProcessBuilder(
                  "timeout",
                  "20",
                  qemu.toString(),
                  "-accel",
                  "kvm",
                  "-cpu",
                  "host",
                  "-m",
                  "256",
                  "-nodefaults",
                  "-no-user-config",
                  "-display",
                  "none",
                  "-serial",
                  "stdio",
                  "-no-reboot",
                  "-kernel",
                  kernel.toString(),
                  "-append",
                  "console=ttyS0 panic=-1"),
              Duration.ofSeconds(30));
      boolean ok = r.stdout().contains("Kernel panic");
      System.out.printf(
          "[qemu] KVM probe %s in %d ms: %s%n",
          ok ? "booted" : "failed",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
          ok ? "KVM" : "TCG");
      return ok ? Accel.KVM : Accel.TCG;
    } catch (IOException | IllegalStateException e) {
      System.out.println("[qemu] KVM probe failed (" + e.getMessage() + "): TCG");
      return Accel.TCG;
    }
  }

  private void readConsole() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        // GRUB draws with terminal escapes; keep the text readable in the log.
        String clean = line.replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "").replace("\r", "");
        synchronized (console) {
          console.append(clean).append('\n');
          console.notifyAll();
        }
        System.out.println("[vm " + name + "] " + clean);
      }
    } catch (IOException e) {
      // the process ended
    } finally {
      synchronized (console) {
        console.notifyAll();
      }
    }
  }

  /** Everything the serial console printed so far. */
  public String console() {
    synchronized (console) {
      return console.toString();
    }
  }

  /**
   * Waits until the console (from character {@code from} on) has a match of {@code pattern};
   * returns it. Fails with the console's tail on timeout or if qemu exits first.
   */
  public Matcher await(Pattern pattern, int from, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (console) {
      while (true) {
        Matcher m = pattern.matcher(console);
        if (m.find(Math.min(from, console.length()))) {
          return m;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !reader.isAlive()) {
          throw new AssertionError(
              "vm "
                  + name
                  + ": no /"
                  + pattern
                  + "/ on the console after "
                  + Duration.between(started, Instant.now()).toSeconds()
                  + " s"
                  + (process.isAlive() ? "" : " (qemu exited)")
                  + "; console tail:\n"
                  + tail(console.toString()));
        }
        try {
          console.wait(Math.min(100, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** Waits for qemu to exit (the guest powered off); returns the exit code. */
  public Optional<Integer> awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
          ? Optional.of(process.exitValue())
          : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * A crash-consistent copy of the running guest's disk: qemu is stopped (SIGSTOP) while {@code cp
   * --sparse} runs, so no write lands half-way through, and continued after. The guest sees only
   * its clock jump; what it had not written yet is not in the copy, as after a power cut.
   */
  public void copyDisk(Path copy) throws IOException {
    String pid = Long.toString(process.pid());
    Processes.check(new ProcessBuilder("kill", "-STOP", pid), Duration.ofSeconds(10));
    try {
      Processes.check(
          new ProcessBuilder("cp", "--sparse=always", disk.toString(), copy.toString()),
          Duration.ofMinutes(5));
    } finally {
      Processes.check(new ProcessBuilder("kill", "-CONT", pid), Duration.ofSeconds(10));
    }
  }

  public Duration uptime() {
    return Duration.between(started, Instant.now());
  }

  private void stop() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down and runs the hook itself
    }
  }

  private static String tail(String s) {
    return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
  }
}
