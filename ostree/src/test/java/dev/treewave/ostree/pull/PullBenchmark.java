package dev.treewave.ostree.pull;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.delta.DeltaGenerator;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.sign.VerificationPolicy;
import dev.treewave.testing.http.StaticRepoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Benchmark (a command, not a test): our pull against the real {@code ostree pull} from the same
 * loopback server in the same run, full and update pulls with and without static deltas, and delta
 * generation (ours against ostree's, time and peak RSS via /usr/bin/time). Prints a Markdown table.
 *
 * <p>Usage: {@code java -cp … dev.treewave.ostree.pull.PullBenchmark [FIXTURE_DIR]} (default {@code
 * ~/.cache/treewave/fixtures/debian-minbase}, else a generated tree).
 */
public final class PullBenchmark {
  private final Path work;
  private final List<String> rows = new ArrayList<>();

  /** {@code full} as first argument: only the full pull, three rounds (quick profiling loop). */
  private boolean fullOnly;

  /** {@code delta} as first argument: only delta generation, ours and ostree's. */
  private boolean deltaOnly;

  /**
   * The JVM flags of our generator's process: those {@code bin/treewave-ostree} uses for {@code
   * static-delta generate}.
   */
  static final List<String> GENERATOR_JVM_FLAGS =
      List.of(
          "-XX:+UseSerialGC",
          "-Xmx64m",
          "-Xss512k",
          "-XX:ReservedCodeCacheSize=32m",
          "-XX:Tier4InvocationThreshold=500000",
          "-XX:Tier4MinInvocationThreshold=60000",
          "-XX:Tier4CompileThreshold=1500000",
          "-XX:Tier4BackEdgeThreshold=4000000",
          "-XX:CompileCommand=quiet",
          "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.*::*,0.01");

  private PullBenchmark(Path work) {
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("gen-delta")) {
      OstreeRepo repo = OstreeRepo.open(Path.of(args[1]));
      new DeltaGenerator(repo, DeltaGenerator.Options.DEFAULTS)
          .generate(Optional.of(ObjectId.parse(args[2])), ObjectId.parse(args[3]));
      return;
    }
    boolean fullOnly = args.length > 0 && args[0].equals("full");
    boolean deltaOnly = args.length > 0 && args[0].equals("delta");
    if (fullOnly || deltaOnly) {
      args = java.util.Arrays.copyOfRange(args, 1, args.length);
    }
    Path fixture =
        args.length > 0
            ? Path.of(args[0])
            : Path.of(System.getProperty("user.home"), ".cache/treewave/fixtures/debian-minbase");
    Path work = Files.createTempDirectory("treewave-pullbench");
    try {
      PullBenchmark b = new PullBenchmark(work);
      b.fullOnly = fullOnly;
      b.deltaOnly = deltaOnly;
      b.run(fixture);
    } finally {
      sh("rm", "-rf", work.toString());
    }
  }

  private void run(Path fixture) throws Exception {
    String what = fixture.toString();
    if (!Files.isDirectory(fixture)) {
      fixture = work.resolve("generated");
      TreeFixture.manyFiles(fixture, 20_000, 3);
      what = "generated 20000-file tree";
    }
    Path src = work.resolve("src");
    ostree("init", "--repo=" + src, "--mode=archive");
    ostree("commit", "--repo=" + src, "-b", "os", "--tree=dir=" + fixture, "-s", "base");
    ObjectId c1 = ObjectId.parse(ostree("rev-parse", "--repo=" + src, "os").strip());
    if (fullOnly) {
      ostree("summary", "-u", "--repo=" + src);
      try (StaticRepoServer server =
          StaticRepoServer.start(src, new InetSocketAddress("127.0.0.1", 0))) {
        for (int i = 0; i < 3; i++) {
          row(
              "full pull (no deltas) #" + i,
              ours(server, "o" + i, c1, null, false),
              theirs(server, "t" + i, c1, null, true));
        }
      }
      return;
    }
    Path upd = work.resolve("upd");
    sh("cp", "-a", fixture.toString(), upd.toString());
    long changed = mutate(upd);
    ostree("commit", "--repo=" + src, "-b", "os", "--tree=dir=" + upd, "-s", "update");
    ObjectId c2 = ObjectId.parse(ostree("rev-parse", "--repo=" + src, "os").strip());
    ostree("summary", "-u", "--repo=" + src);
    System.out.printf("fixture: %s; update rewrote/added %.1f MB of files%n", what, changed / 1e6);
    if (deltaOnly) {
      // wall times are noisy on shared cores: CPU (user + system) is printed beside them
      for (int i = 0; i < 3; i++) {
        sh("rm", "-rf", src.resolve("deltas").toString());
        CpuTimed tg =
            cpuTimed(
                List.of(
                    "ostree",
                    "static-delta",
                    "generate",
                    "--repo=" + src,
                    "--from=" + c1.hex(),
                    "--to=" + c2.hex()));
        long theirs = du(src.resolve("deltas"));
        sh("rm", "-rf", src.resolve("deltas").toString());
        CpuTimed og = cpuTimed(ourGeneratorCommand(src, c1, c2));
        long ours = du(src.resolve("deltas"));
        System.out.printf(
            "delta generation: ostree %.1f s (CPU %.1f s) %.0f MiB %d B | ours %.1f s (CPU %.1f s)"
                + " %.0f MiB %d B | ratios wall %.2f CPU %.2f memory %.2f size %.4f | load %s%n",
            tg.seconds,
            tg.cpuSeconds,
            tg.maxRssKb / 1024.0,
            theirs,
            og.seconds,
            og.cpuSeconds,
            og.maxRssKb / 1024.0,
            ours,
            og.seconds / tg.seconds,
            og.cpuSeconds / tg.cpuSeconds,
            (double) og.maxRssKb / tg.maxRssKb,
            (double) ours / theirs,
            String.join(
                " ",
                java.util.Arrays.copyOf(
                    Files.readString(Path.of("/proc/loadavg")).strip().split(" "), 3)));
      }
      return;
    }

    try (StaticRepoServer server =
        StaticRepoServer.start(src, new InetSocketAddress("127.0.0.1", 0))) {
      // A: full pull of the base commit, best of 2 each, alternating
      Result oursFull = null;
      Result theirsFull = null;
      for (int i = 0; i < 2; i++) {
        Result t = theirs(server, "full-t" + i, c1, null, true);
        Result o = ours(server, "full-o" + i, c1, null, false);
        theirsFull = best(theirsFull, t);
        oursFull = best(oursFull, o);
      }
      row("full pull (no deltas)", oursFull, theirsFull);

      // B: update pull without deltas, from clients holding the base commit
      Result oursUpd = ours(server, "full-o0", c2, null, false);
      Result theirsUpd = theirs(server, "full-t0", c2, null, true);
      row("update pull, no deltas", oursUpd, theirsUpd);

      // C: ostree's delta
      Timed tg =
          timed(
              List.of(
                  "ostree",
                  "static-delta",
                  "generate",
                  "--repo=" + src,
                  "--from=" + c1.hex(),
                  "--to=" + c2.hex()));
      long theirDeltaSize = du(src.resolve("deltas"));
      ostree("summary", "-u", "--repo=" + src);
      Result oursD1 = ours(server, "full-o1", c2, null, true);
      Result theirsD1 = theirs(server, "full-t1", c2, null, false);
      row("update pull, ostree's delta", oursD1, theirsD1);

      // D: our delta (generated in a separate JVM to measure its peak RSS)
      sh("rm", "-rf", src.resolve("deltas").toString(), src.resolve("delta-indexes").toString());
      Timed og = generateOurs(src, c1, c2);
      long ourDeltaSize = du(src.resolve("deltas"));
      ostree("summary", "-u", "--repo=" + src);
      sh(
          "cp",
          "-a",
          work.resolve("full-o1-base").toString(),
          work.resolve("o-ours-delta").toString());
      sh(
          "cp",
          "-a",
          work.resolve("full-t1-base").toString(),
          work.resolve("t-ours-delta").toString());
      Result oursD2 = ours(server, "o-ours-delta", c2, null, true);
      Result theirsD2 = theirs(server, "t-ours-delta", c2, null, false);
      row("update pull, our delta", oursD2, theirsD2);

      System.out.println();
      System.out.println(
          "| pull | ours: s | ostree: s | ours: CPU s | ostree: CPU s | ours: objects/s | ostree: objects/s | ratio | ours: wire MB | ostree: wire MB |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|");
      rows.forEach(System.out::println);
      System.out.println();
      System.out.println("| delta generation | time s | peak RSS MiB | size MB |");
      System.out.println("|---|---|---|---|");
      System.out.printf(
          "| ostree static-delta generate | %.1f | %.0f | %.1f |%n",
          tg.seconds, tg.maxRssKb / 1024.0, theirDeltaSize / 1e6);
      System.out.printf(
          "| ours (DeltaGenerator, own JVM) | %.1f | %.0f | %.1f |%n",
          og.seconds, og.maxRssKb / 1024.0, ourDeltaSize / 1e6);
      System.out.printf(
          "ratios: generation time ours/ostree %.2f, memory ours/ostree %.2f, size ours/ostree %.2f%n",
          og.seconds / tg.seconds,
          (double) og.maxRssKb / tg.maxRssKb,
          (double) ourDeltaSize / theirDeltaSize);
    }
  }

  record Result(long objects, long wireBytes, double seconds, double cpuSeconds) {
    double objectsPerSecond() {
      return objects / seconds;
    }

    double mbPerSecond() {
      return wireBytes / 1e6 / seconds;
    }
  }

  record Timed(double seconds, long maxRssKb) {}

  private static Result best(Result a, Result b) {
    return a == null || b.seconds < a.seconds ? b : a;
  }

  private void row(String name, Result o, Result t) {
    rows.add(
        String.format(
            "| %s | %.1f | %.1f | %.1f | %.1f | %.0f | %.0f | %.2f | %.1f | %.1f |",
            name,
            o.seconds,
            t.seconds,
            o.cpuSeconds,
            t.cpuSeconds,
            o.objectsPerSecond(),
            t.objectsPerSecond(),
            o.objectsPerSecond() / t.objectsPerSecond(),
            o.wireBytes / 1e6,
            t.wireBytes / 1e6));
    System.out.println(rows.get(rows.size() - 1));
  }

  /** Our pull into a bare-user repo {@code name} (created, or continued from {@code name-base}). */
  private Result ours(
      StaticRepoServer server, String name, ObjectId commit, Void unused, boolean deltas)
      throws IOException {
    Path dir = prepare(name);
    OstreeRepo repo =
        Files.exists(dir.resolve("config"))
            ? OstreeRepo.open(dir)
            : OstreeRepo.init(dir, RepoMode.BARE_USER);
    long before = server.bytesServed();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    PullResult r;
    try (ObjectSource s = new ArchiveSource(new HttpTransport(server.url()))) {
      r =
          new Puller(repo)
              .pull(
                  s,
                  PullOptions.of("origin", List.of("os@" + commit.hex()), VerificationPolicy.NONE)
                      .withDeltas(deltas));
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    // includes the in-process server's CPU: ostree's figure below does not, so ours is pessimistic
    double cpu = (processCpuNanos() - cpu0) / 1e9;
    snapshotBase(name, dir);
    return new Result(
        r.stats().objectsFetched() + r.stats().deltaPartsFetched(),
        server.bytesServed() - before,
        secs,
        cpu);
  }

  private Result theirs(
      StaticRepoServer server, String name, ObjectId commit, Void unused, boolean noDeltas)
      throws IOException {
    Path dir = prepare(name);
    if (!Files.exists(dir.resolve("config"))) {
      ostree("init", "--repo=" + dir, "--mode=bare-user");
      ostree("remote", "add", "--repo=" + dir, "--no-gpg-verify", "origin", server.url());
    }
    long before = server.bytesServed();
    List<String> cmd = new ArrayList<>(List.of("ostree", "pull", "--repo=" + dir));
    if (noDeltas) {
      cmd.add("--disable-static-deltas");
    }
    cmd.addAll(List.of("origin", "os@" + commit.hex()));
    Path times = Files.createTempFile("time", ".txt");
    List<String> timedCmd =
        new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "-o", times.toString()));
    timedCmd.addAll(cmd);
    long serverCpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    String out = sh(timedCmd.toArray(String[]::new));
    double secs = (System.nanoTime() - t0) / 1e9;
    // our JVM only serves during ostree's pull: its CPU is the server's share of "ours: CPU s"
    System.out.printf(
        "  (server CPU while ostree pulled: %.1f s)%n", (processCpuNanos() - serverCpu0) / 1e9);
    String[] us = Files.readString(times).strip().split("\\s+");
    Files.delete(times);
    snapshotBase(name, dir);
    return new Result(
        objectsFrom(out),
        server.bytesServed() - before,
        secs,
        Double.parseDouble(us[0]) + Double.parseDouble(us[1]));
  }

  /** "N metadata, M content objects fetched" / "K delta parts, L loose fetched". */
  static long objectsFrom(String out) {
    long n = 0;
    var m =
        java.util.regex.Pattern.compile("(\\d+) (metadata|content objects|delta parts|loose)")
            .matcher(out);
    while (m.find()) {
      n += Long.parseLong(m.group(1));
    }
    return n;
  }

  private Path prepare(String name) {
    return work.resolve(name);
  }

  /** Keeps a copy of each client after its first pull, for later update pulls from the base. */
  private void snapshotBase(String name, Path dir) throws IOException {
    Path base = work.resolve(name + "-base");
    if (!Files.exists(base)) {
      sh("cp", "-a", dir.toString(), base.toString());
    }
  }

  /** Rewrites the 40 largest files (a changed middle) and adds 8 MB of new files. */
  static long mutate(Path tree) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(tree)) {
      files =
          s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
    }
    List<Path> largest = new ArrayList<>(files);
    largest.sort(Comparator.comparingLong((Path p) -> size(p)).reversed());
    Random r = new Random(9);
    long total = 0;
    for (Path p : largest.subList(0, Math.min(40, largest.size()))) {
      byte[] b = Files.readAllBytes(p);
      int at = b.length / 2;
      for (int i = 0; i < Math.min(4096, b.length - at); i++) {
        b[at + i] = (byte) r.nextInt();
      }
      Files.write(p, b);
      total += b.length;
    }
    Path extra = tree.resolve("usr/share/treewave-update");
    Files.createDirectories(extra);
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[40_000];
      r.nextBytes(b);
      Files.write(extra.resolve("new-" + i), b);
      total += b.length;
    }
    return total;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static long du(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(PullBenchmark::size).sum();
    }
  }

  /** Our generator in its own JVM (with the CLI's flags), to measure its peak RSS. */
  private static Timed generateOurs(Path src, ObjectId c1, ObjectId c2) throws IOException {
    return timed(ourGeneratorCommand(src, c1, c2));
  }

  private static List<String> ourGeneratorCommand(Path src, ObjectId c1, ObjectId c2) {
    List<String> cmd = new ArrayList<>(List.of(javaBin()));
    cmd.addAll(GENERATOR_JVM_FLAGS);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            PullBenchmark.class.getName(),
            "gen-delta",
            src.toString(),
            c1.hex(),
            c2.hex()));
    return cmd;
  }

  /** Wall seconds, CPU seconds (user + system) and peak RSS of a delta generator's process. */
  record CpuTimed(double seconds, double cpuSeconds, long maxRssKb) {}

  private static CpuTimed cpuTimed(List<String> cmd) throws IOException {
    Path out = Files.createTempFile("time", ".txt");
    List<String> full =
        new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %M %U %S", "-o", out.toString()));
    full.addAll(cmd);
    sh(full.toArray(String[]::new));
    String[] f = Files.readString(out).strip().split("\\s+");
    Files.delete(out);
    return new CpuTimed(
        Double.parseDouble(f[0]),
        Double.parseDouble(f[2]) + Double.parseDouble(f[3]),
        Long.parseLong(f[1]));
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Timed timed(List<String> cmd) throws IOException {
    Path out = Files.createTempFile("time", ".txt");
    List<String> full =
        new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %M", "-o", out.toString()));
    full.addAll(cmd);
    sh(full.toArray(String[]::new));
    String[] f = Files.readString(out).strip().split("\\s+");
    Files.delete(out);
    return new Timed(Double.parseDouble(f[0]), Long.parseLong(f[1]));
  }

  private static String ostree(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ostree"));
    cmd.addAll(List.of(args));
    return sh(cmd.toArray(String[]::new));
  }

  private static String sh(String... cmd) throws IOException {
    Cli.Result r = Cli.run(List.of(cmd), Map.of());
    if (r.exit() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + r.err());
    }
    return r.out();
  }
}
