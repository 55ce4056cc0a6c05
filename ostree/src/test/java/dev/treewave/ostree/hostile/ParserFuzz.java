package dev.treewave.ostree.hostile;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.delta.DeltaApplier;
import dev.treewave.ostree.delta.DeltaPart;
import dev.treewave.ostree.delta.DeltaSuperblock;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantFormatException;
import dev.treewave.ostree.gvariant.GVariantParser;
import dev.treewave.ostree.pull.HttpOptions;
import dev.treewave.ostree.pull.HttpTransport;
import dev.treewave.ostree.repo.ContentObject;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.repo.Transaction;
import dev.treewave.ostree.summary.Summary;
import dev.treewave.ostree.summary.SummaryRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A bounded fuzzer (run by {@link ParserFuzzTest} in a JVM with the agent's 64 MiB heap): mutated
 * and random inputs of at most {@link #MAX_INPUT} bytes for every parser that reads network data —
 * the GVariant parser, dirtree/dirmeta/commit validation (a transaction's metadata write), the
 * delta superblock, the delta part decoder and its applier, the summary, the {@code .filez} reader
 * and the HTTP response reader. Any exception other than the project's own (and, for stream
 * readers, {@link IOException}) is a failure: the main prints the input and exits 2.
 */
public final class ParserFuzz {
  static final int MAX_INPUT = 64 * 1024;

  private final Random rnd;
  private final OstreeRepo repo;
  private final List<String> findings = new ArrayList<>();
  private long runs;

  /** The objects the seed part produces, by their real checksums. */
  private final List<DeltaSuperblock.PartObject> partObjects;

  private ParserFuzz(long seed, Path dir) {
    this.rnd = new Random(seed);
    this.repo = OstreeRepo.init(dir.resolve("repo"), RepoMode.BARE_USER);
    ObjectId file;
    try (Transaction tx = repo.beginTransaction()) { // closed uncommitted: only the checksum
      file =
          tx.writeContent(
              FileHeader.regular(0, 0, 0644, List.of()),
              new ByteArrayInputStream(BLOB),
              BLOB.length);
    }
    this.partObjects =
        List.of(
            new DeltaSuperblock.PartObject(ObjectType.FILE, file),
            new DeltaSuperblock.PartObject(ObjectType.DIR_META, ObjectId.sha256(dirmeta())));
  }

  private static final byte[] BLOB = "hello, delta".getBytes(StandardCharsets.UTF_8);

  /** Args: seed, iterations per target, scratch directory. Exit 0 clean, 2 on a finding. */
  public static void main(String[] args) throws Exception {
    long seed = Long.parseLong(args[0]);
    int iterations = Integer.parseInt(args[1]);
    ParserFuzz f = new ParserFuzz(seed, Path.of(args[2]));
    long t0 = System.nanoTime();
    f.runAll(iterations);
    System.out.printf(
        "fuzz: seed %d, %d inputs, %d findings, %.1f s, max heap %d MiB%n",
        seed,
        f.runs,
        f.findings.size(),
        (System.nanoTime() - t0) / 1e9,
        Runtime.getRuntime().maxMemory() >> 20);
    f.findings.stream().limit(20).forEach(System.out::println);
    System.exit(f.findings.isEmpty() ? 0 : 2);
  }

  void runAll(int n) throws Exception {
    List<byte[]> vardicts = List.of(vardict(), new byte[0]);
    fuzz("a{sv}", n, vardicts, b -> GVariant.asVardict(GVariantParser.parse("a{sv}", b)));
    fuzz(
        "v",
        n,
        List.of(GVariant.var(GVariant.vardict(vardictMap())).serialize()),
        b -> GVariantParser.parse("v", b));
    fuzz("commit", n, List.of(commit()), b -> writeMetadata(ObjectType.COMMIT, b));
    fuzz("dirtree", n, List.of(dirtree()), b -> writeMetadata(ObjectType.DIR_TREE, b));
    fuzz("dirmeta", n, List.of(dirmeta()), b -> writeMetadata(ObjectType.DIR_META, b));
    fuzz("summary", n, List.of(summary()), Summary::parse);
    fuzz("superblock", n, List.of(superblock()), DeltaSuperblock::parse);
    fuzz("delta part", n, List.of(part(false), part(true)), this::applyPart);
    fuzz("filez", n, List.of(filez()), this::readFilez);
    fuzzHttp(Math.max(1, n / 4));
  }

  /** One target: seeds, their mutations and random bytes, each through {@code target}. */
  private void fuzz(String name, int n, List<byte[]> seeds, ThrowingConsumer target) {
    for (int i = 0; i < n; i++) {
      byte[] input =
          i % 10 == 9 ? random() : mutate(seeds.get(rnd.nextInt(seeds.size())), 1 + rnd.nextInt(4));
      check(name, input, () -> target.accept(input));
    }
    // the unmutated seeds must pass
    for (byte[] s : seeds) {
      try {
        target.accept(s);
      } catch (Throwable t) {
        findings.add(name + ": seed refused: " + t);
      }
    }
  }

  @FunctionalInterface
  interface ThrowingConsumer {
    void accept(byte[] b) throws Exception;
  }

  @FunctionalInterface
  interface Run {
    void run() throws Exception;
  }

  private void check(String name, byte[] input, Run r) {
    runs++;
    try {
      r.run();
    } catch (GVariantFormatException | OstreeException e) {
      // the project's own refusal
    } catch (IOException e) {
      // a stream reader's declared refusal (corrupt deflate, truncated input)
    } catch (Throwable t) {
      String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, 256));
      findings.add(name + ": " + t + " at " + where(t) + " on " + input.length + " bytes: " + hex);
    }
  }

  private static String where(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    return st.length == 0 ? "?" : st[0].toString();
  }

  private byte[] mutate(byte[] seed, int times) {
    byte[] b = seed.clone();
    for (int k = 0; k < times; k++) {
      if (b.length == 0) {
        return random();
      }
      switch (rnd.nextInt(6)) {
        case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        case 1 ->
            b[rnd.nextInt(b.length)] = (byte) new int[] {0, 0xff, 0x7f, 0x80, 1}[rnd.nextInt(5)];
        case 2 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
        case 3 -> {
          int at = rnd.nextInt(b.length);
          byte[] extra = new byte[1 + rnd.nextInt(16)];
          rnd.nextBytes(extra);
          ByteArrayOutputStream o = new ByteArrayOutputStream();
          o.write(b, 0, at);
          o.writeBytes(extra);
          o.write(b, at, b.length - at);
          b = o.toByteArray();
        }
        case 4 -> { // a random 4- or 8-byte little-endian value (framing offsets, sizes)
          int at = rnd.nextInt(b.length);
          long v = rnd.nextBoolean() ? rnd.nextInt() : rnd.nextLong();
          for (int i = 0; i < 8 && at + i < b.length; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
          }
        }
        default -> {
          int from = rnd.nextInt(b.length);
          int len = Math.min(b.length - from, 1 + rnd.nextInt(64));
          ByteArrayOutputStream o = new ByteArrayOutputStream();
          o.writeBytes(b);
          o.write(b, from, len);
          b = o.toByteArray();
        }
      }
      if (b.length > MAX_INPUT) {
        b = java.util.Arrays.copyOf(b, MAX_INPUT);
      }
    }
    return b;
  }

  private byte[] random() {
    byte[] b = new byte[rnd.nextInt(rnd.nextBoolean() ? 64 : 4096)];
    rnd.nextBytes(b);
    return b;
  }

  // --- targets --------------------------------------------------------------------------------

  private void writeMetadata(ObjectType type, byte[] b) {
    try (Transaction tx = repo.beginTransaction()) {
      tx.writeMetadata(type, ObjectId.sha256(b), b); // validated before anything is written
    }
  }

  private void applyPart(byte[] partFile) {
    DeltaPart part = DeltaPart.decode(partFile, DeltaPart.payloadLimit(1 << 20));
    try (Transaction tx = repo.beginTransaction()) {
      new DeltaApplier(repo, tx).apply(part, partObjects, 1 << 20);
    }
  }

  private void readFilez(byte[] b) throws IOException {
    try (ContentObject co =
        dev.treewave.ostree.repo.ArchiveFormat.read(new ByteArrayInputStream(b), 1 << 20)) {
      co.content().transferTo(OutputStream.nullOutputStream());
    }
  }

  // --- seeds ----------------------------------------------------------------------------------

  private static Map<String, GVariant> vardictMap() {
    Map<String, GVariant> m = new LinkedHashMap<>();
    m.put("version", GVariant.str("42"));
    m.put(
        "ostree.ref-binding",
        new GVariant.Arr(
            dev.treewave.ostree.gvariant.GVariantType.STRING, List.of(GVariant.str("os/stable"))));
    m.put("n", GVariant.u64(7));
    m.put("bytes", GVariant.bytes(new byte[] {1, 2, 3}));
    m.put("nested", GVariant.var(GVariant.str("x")));
    return m;
  }

  private static byte[] vardict() {
    return GVariant.vardict(vardictMap()).serialize();
  }

  private static byte[] commit() {
    return new Commit(
            vardictMap(),
            Optional.of(ObjectId.sha256(new byte[] {9})),
            "subject",
            "body",
            1_700_000_000L,
            DirTree.EMPTY_ID,
            ObjectId.sha256(new byte[] {3}))
        .serialize();
  }

  private static byte[] dirtree() {
    return DirTree.of(
            List.of(
                new DirTree.FileEntry("a", ObjectId.sha256(new byte[] {4})),
                new DirTree.FileEntry("b.conf", ObjectId.sha256(new byte[] {5}))),
            List.of(
                new DirTree.DirEntry(
                    "etc", ObjectId.sha256(new byte[] {6}), ObjectId.sha256(new byte[] {7}))))
        .serialize();
  }

  private static byte[] dirmeta() {
    return DirMeta.directory(0, 0, 0755, List.of(new Xattr("user.a", new byte[] {1}))).serialize();
  }

  private static byte[] summary() {
    List<SummaryRef> refs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      refs.add(
          new SummaryRef(
              "os/" + i,
              1000 + i,
              ObjectId.sha256(new byte[] {(byte) i}),
              Map.of(SummaryRef.VERSION_KEY, GVariant.str("v" + i))));
    }
    return new Summary(refs, Map.of(Summary.MODE_KEY, GVariant.str("archive-z2"))).serialize();
  }

  private static byte[] superblock() {
    return new DeltaSuperblock(
            Map.of(DeltaSuperblock.ENDIANNESS_KEY, new GVariant.U8((byte) 'l')),
            1_700_000_000L,
            Optional.of(ObjectId.sha256(new byte[] {8})),
            Commit.parse(commit()).id(),
            commit(),
            List.of(
                new DeltaSuperblock.PartHeader(
                    0,
                    ObjectId.sha256(new byte[] {10}),
                    100,
                    200,
                    List.of(new DeltaSuperblock.PartObject(ObjectType.FILE, DirTree.EMPTY_ID)))),
            List.of(new DeltaSuperblock.Fallback(ObjectType.FILE, DirTree.EMPTY_ID, 10, 20)))
        .serialize();
  }

  private static byte[] part(boolean xz) {
    byte[] blob = BLOB;
    byte[] meta = dirmeta();
    ByteArrayOutputStream blobAll = new ByteArrayOutputStream();
    blobAll.writeBytes(blob);
    blobAll.writeBytes(meta);
    ByteArrayOutputStream ops = new ByteArrayOutputStream();
    ops.write('o');
    ops.write(0);
    ops.write(0);
    ops.write(blob.length);
    ops.write('w');
    ops.write(blob.length);
    ops.write(0);
    ops.write('c');
    ops.write('S');
    ops.write(meta.length);
    ops.write(blob.length);
    return new DeltaPart(
            List.of(new int[] {0, 0, 0100644}),
            List.of(List.of()),
            blobAll.toByteArray(),
            ops.toByteArray())
        .encode(xz, 0);
  }

  private static byte[] filez() throws IOException {
    byte[] content = "some file content\n".repeat(20).getBytes(StandardCharsets.UTF_8);
    FileHeader h = FileHeader.regular(0, 0, 0644, List.of());
    Path dir = Files.createTempDirectory("fuzz-filez");
    OstreeRepo archive = OstreeRepo.init(dir.resolve("a"), RepoMode.ARCHIVE);
    ObjectId id;
    try (Transaction tx = archive.beginTransaction()) {
      id = tx.writeContent(h, new ByteArrayInputStream(content), content.length);
      tx.commit();
    }
    return Files.readAllBytes(
        archive
            .path()
            .resolve(
                "objects/" + id.hex().substring(0, 2) + "/" + id.hex().substring(2) + ".filez"));
  }

  // --- HTTP ------------------------------------------------------------------------------------

  /** A server on 127.0.0.1 answering each connection with the next (mutated) raw response. */
  private void fuzzHttp(int n) throws Exception {
    List<byte[]> seeds =
        List.of(
            ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
            ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
            ascii("HTTP/1.0 200 OK\r\n\r\nuntil close"),
            ascii("HTTP/1.1 503 Busy\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye"));
    BlockingQueue<byte[]> answers = new ArrayBlockingQueue<>(4);
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    s.setSoTimeout(2000);
                    byte[] a = answers.take();
                    byte[] req = new byte[4096];
                    s.getInputStream().read(req);
                    s.getOutputStream().write(a);
                  } catch (IOException | InterruptedException e) {
                    // next connection
                  }
                }
              },
              "fuzz-httpd");
      t.setDaemon(true);
      t.start();
      HttpOptions o =
          HttpOptions.DEFAULTS
              .withRetries(0)
              .withConnectTimeout(Duration.ofSeconds(2))
              .withRequestTimeout(Duration.ofSeconds(5))
              .withLowSpeed(1, Duration.ofSeconds(2));
      String url = "http://127.0.0.1:" + server.getLocalPort() + "/";
      for (int i = 0; i < n; i++) {
        byte[] input = mutate(seeds.get(rnd.nextInt(seeds.size())), 1 + rnd.nextInt(3));
        answers.put(input);
        // a fresh transport per input: no kept-alive connection carries one answer into the next
        try (HttpTransport http = new HttpTransport(url, o)) {
          check("http", input, () -> http.getBytes("f", 1 << 20));
        }
        answers.clear();
      }
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
