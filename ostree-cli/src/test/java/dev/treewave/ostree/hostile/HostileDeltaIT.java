package dev.treewave.ostree.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.delta.DeltaName;
import dev.treewave.ostree.delta.DeltaPart;
import dev.treewave.ostree.delta.DeltaSuperblock;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.pull.Cli;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.summary.SummaryWriter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * Hostile static deltas over HTTP on 127.0.0.1, pulled by our CLI in a JVM with the agent's flags
 * ({@code -Xmx64m -XX:+ExitOnOutOfMemoryError}): an xz bomb of 2 GiB of zeros and ops that open a 2
 * GiB object are refused from the part header's declared sizes, with one line, no ref moved and a
 * small peak RSS; a part that declares more than the heap can take is skipped and its objects are
 * fetched one by one.
 */
class HostileDeltaIT {
  static final long RSS_LIMIT_KB = 250_000;
  static final long TWO_GIB = 2L << 30;

  @TempDir Path tmp;
  HostileRemote remote;

  @BeforeEach
  void setUp() throws Exception {
    remote = HostileRemote.start(tmp);
  }

  @AfterEach
  void tearDown() {
    remote.close();
  }

  /** 'x' + concatenated xz streams of 64 MiB of zeros each (XZInputStream reads them as one). */
  static byte[] xzZeros(long total) throws Exception {
    ByteArrayOutputStream one = new ByteArrayOutputStream();
    try (XZOutputStream xz = new XZOutputStream(one, new LZMA2Options(0), XZ.CHECK_CRC64)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        xz.write(zeros);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(DeltaPart.COMPRESSION_XZ);
    for (long n = 0; n < total; n += 64L << 20) {
      out.writeBytes(one.toByteArray());
    }
    return out.toByteArray();
  }

  /** A scratch delta to the honest commit with one part, advertised in a fresh summary. */
  private DeltaName serveDelta(byte[] partFile, long declaredObjectBytes) throws Exception {
    ObjectId to = remote.honest;
    List<DeltaSuperblock.PartObject> objects =
        List.of(new DeltaSuperblock.PartObject(ObjectType.FILE, anyHonestFile()));
    DeltaSuperblock sb =
        new DeltaSuperblock(
            Map.of(DeltaSuperblock.ENDIANNESS_KEY, new GVariant.U8((byte) 'l')),
            1_700_000_000L,
            java.util.Optional.empty(),
            to,
            remote.repo.readMetadata(ObjectType.COMMIT, to),
            List.of(
                new DeltaSuperblock.PartHeader(
                    0, ObjectId.sha256(partFile), partFile.length, declaredObjectBytes, objects)),
            List.of());
    DeltaName name = DeltaName.scratch(to);
    remote.writeFile(name.superblockPath(), sb.serialize());
    remote.writeFile(name.partPath(0), partFile);
    SummaryWriter.update(remote.repo, Map.of());
    return name;
  }

  private ObjectId anyHonestFile() {
    var root = remote.repo.readDirTree(remote.repo.readCommit(remote.honest).rootTree());
    var etc = root.dirs().stream().filter(d -> d.name().equals("etc")).findFirst().orElseThrow();
    return remote.repo.readDirTree(etc.treeChecksum()).files().get(0).checksum();
  }

  private ForkedCli.Result pull(Path client) throws Exception {
    return ForkedCli.run(tmp, List.of("--repo=" + client, "pull", "--quiet", "origin", "os"));
  }

  private void assertRefused(ForkedCli.Result r, Path client, String message) {
    System.out.printf(
        "%s: exit %d, peak RSS %d KB, %s%n", message, r.exit(), r.peakRssKb(), r.err());
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.errLines().get(0)).startsWith("error: ").contains(message);
    assertThat(r.peakRssKb()).isLessThan(RSS_LIMIT_KB);
    assertThat(OstreeRepo.open(client).refs().read("origin:os")).isEmpty();
  }

  @Test
  void anXzBombOfTwoGibibytesOfZerosIsRefusedFromTheDeclaredSize() throws Exception {
    byte[] bomb = xzZeros(TWO_GIB);
    assertThat(bomb.length).isLessThan(4_000_000); // a few MB on the wire, 2 GiB inflated
    serveDelta(bomb, 4096);
    Path client = remote.client(tmp.resolve("client"));
    assertRefused(pull(client), client, "delta part inflates beyond");
  }

  @Test
  void opsThatOpenATwoGibibyteObjectAreRefusedBeforeAllocating() throws Exception {
    ByteArrayOutputStream ops = new ByteArrayOutputStream();
    for (int i = 0; i < 5; i++) { // a few opens, about 70 bytes of ops in all
      ops.write('o');
      varint(ops, 0);
      varint(ops, 0);
      varint(ops, TWO_GIB);
      ops.write('c');
    }
    byte[] part =
        new DeltaPart(
                List.of(new int[] {0, 0, 0100644}),
                List.of(List.of()),
                new byte[0],
                ops.toByteArray())
            .encode(true, 0);
    serveDelta(part, 1000);
    Path client = remote.client(tmp.resolve("client"));
    assertRefused(
        pull(client),
        client,
        "delta part opens an object of 2147483648 bytes, more than the 1000 bytes");
  }

  @Test
  void aPartDeclaringMoreThanTheHeapCanTakeIsSkippedAndItsObjectsFetchedLoose() throws Exception {
    DeltaName name = serveDelta(xzZeros(TWO_GIB), TWO_GIB);
    Path client = remote.client(tmp.resolve("client"));
    ForkedCli.Result r = pull(client);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.peakRssKb()).isLessThan(RSS_LIMIT_KB);
    assertThat(OstreeRepo.open(client).refs().read("origin:os")).contains(remote.honest);
    assertThat(remote.server.requests())
        .noneMatch(q -> q.path().endsWith(name.partPath(0)))
        .anyMatch(q -> q.path().endsWith(name.superblockPath()));
    Cli.ostree("fsck", Cli.repo(client)).ok();
  }

  static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
