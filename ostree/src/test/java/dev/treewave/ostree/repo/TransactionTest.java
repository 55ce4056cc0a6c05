package dev.treewave.ostree.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.treewave.ostree.core.ContentObjects;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How staged objects reach objects/: whole prefix directories, one by one, never unverified. */
class TransactionTest {
  @TempDir Path tmp;

  private static final FileHeader FILE = FileHeader.regular(0, 0, 0644, List.of());

  private static ObjectId write(Transaction tx, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    ObjectId id = ContentObjects.checksum(FILE, b);
    tx.writeContent(id, FILE, new ByteArrayInputStream(b), b.length);
    return id;
  }

  @Test
  void objectsReachEmptyAndAlreadyPopulatedPrefixDirectories() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.BARE_USER);
    List<ObjectId> ids = new ArrayList<>();
    // 600 objects in two transactions: the second lands in prefix directories the first created
    for (int round = 0; round < 2; round++) {
      try (Transaction tx = repo.beginTransaction()) {
        for (int i = 0; i < 300; i++) {
          ids.add(write(tx, "object " + round + " " + i));
        }
        tx.commit();
        assertThat(tx.stagingDirectory()).doesNotExist();
      }
    }
    for (ObjectId id : ids) {
      assertThat(repo.hasObject(ObjectType.FILE, id)).isTrue();
      repo.verifyContent(id);
    }
    assertThat(repo.listObjects(ObjectType.FILE)).hasSize(600);
  }

  @Test
  void aStrayFileInAStagedDirectoryNeverGetsAName() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.BARE_USER);
    ObjectId id;
    try (Transaction tx = repo.beginTransaction()) {
      id = write(tx, "verified");
      // as if deleting a half-written object had failed: same directory, not verified
      Path prefixDir = tx.stagingDirectory().resolve(id.hex().substring(0, 2));
      Files.writeString(prefixDir.resolve("f".repeat(62) + ".file"), "half");
      tx.commit();
    }
    Path objects = repo.path().resolve("objects").resolve(id.hex().substring(0, 2));
    try (Stream<Path> s = Files.list(objects)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactly(id.hex().substring(2) + ".file");
    }
    repo.verifyContent(id);
  }

  @Test
  void aMismatchedObjectLeavesNothingAndTheRestOfTheTransactionStillCommits() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.BARE_USER);
    ObjectId good;
    ObjectId claimed = ObjectId.sha256("something else".getBytes(StandardCharsets.UTF_8));
    try (Transaction tx = repo.beginTransaction()) {
      good = write(tx, "good");
      byte[] evil = "evil".getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(
              () -> tx.writeContent(claimed, FILE, new ByteArrayInputStream(evil), evil.length))
          .isInstanceOf(CorruptObjectException.class);
      // a retry with the right bytes under the same name is not blocked by the failed attempt
      assertThat(tx.hasObject(ObjectType.FILE, claimed)).isFalse();
      tx.commit();
    }
    assertThat(repo.hasObject(ObjectType.FILE, claimed)).isFalse();
    assertThat(repo.listObjects(ObjectType.FILE)).containsExactly(good);
  }

  @Test
  void bareUserModesSurviveTheUmaskAndReadOnlyModes() throws Exception {
    OstreeRepo repo = OstreeRepo.init(tmp.resolve("r"), RepoMode.BARE_USER);
    for (int mode : new int[] {0644, 0664, 0444, 0755, 0600}) {
      FileHeader h = FileHeader.regular(0, 0, mode, List.of());
      byte[] b = ("mode " + mode).getBytes(StandardCharsets.UTF_8);
      ObjectId id = repo.writeContent(h, new ByteArrayInputStream(b), b.length);
      Path p = repo.objectPath(ObjectType.FILE, id);
      assertThat(FileAttributes.stat(p).mode() & 07777).as("mode %o", mode).isEqualTo(mode);
      assertThat(Files.getLastModifiedTime(p).toMillis()).isZero();
      try (ContentObject c = repo.openContent(id)) {
        assertThat(c.header()).isEqualTo(h);
      }
    }
  }
}
