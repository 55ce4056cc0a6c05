package dev.treewave.agent.testing;

import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.sign.Signatures;
import dev.treewave.ostree.sign.ed25519.Ed25519Signer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small bootable trees (a kernel, an initramfs, /usr/etc) committed with our commit code. */
public final class TestCommits {

  private TestCommits() {}

  /** Commits version {@code version} of a tiny OS to {@code ref}, signed by {@code signer}. */
  public static String commit(
      OstreeRepo repo, Path tree, String ref, String version, Ed25519Signer signer)
      throws IOException {
    Path modules = tree.resolve("usr/lib/modules/6.1.0-" + version);
    Files.createDirectories(modules);
    Files.writeString(modules.resolve("vmlinuz"), "kernel " + version);
    Files.writeString(modules.resolve("initramfs.img"), "initramfs " + version);
    Files.createDirectories(tree.resolve("usr/etc"));
    Files.writeString(
        tree.resolve("usr/etc/os-release"), "ID=testos\nVERSION_ID=" + version + "\n");
    Files.createDirectories(tree.resolve("usr/share/doc"));
    // enough objects that a pull takes more than one request
    for (int i = 0; i < 20; i++) {
      Files.write(
          tree.resolve("usr/share/doc/file-" + i),
          ("version " + version + " file " + i + "\n")
              .repeat(100)
              .getBytes(StandardCharsets.UTF_8));
    }
    ObjectId id =
        new TreeCommitter(
                repo,
                CommitOptions.builder()
                    .branch(ref)
                    .subject("v" + version)
                    .timestamp(1_700_000_000L + Long.parseLong(version))
                    .addMetadataString("version", version)
                    .canonicalPermissions(true)
                    .tree(tree)
                    .build())
            .commit()
            .commit();
    Signatures.signCommit(repo, id, signer);
    return id.hex();
  }
}
