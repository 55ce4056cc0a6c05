package dev.treewave.ostree.remote;

import dev.treewave.ostree.sign.SignatureVerifier;
import dev.treewave.ostree.sign.VerificationPolicy;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Verifier;
import dev.treewave.ostree.sign.gpg.GpgVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Builds the {@link VerificationPolicy} a remote's options ask for, with ostree's key lookup. */
public final class RemoteTrust {
  private RemoteTrust() {}

  public static VerificationPolicy policyFor(Path repo, Remote remote, TrustRoots roots) {
    List<SignatureVerifier> commit = new ArrayList<>();
    List<SignatureVerifier> summary = new ArrayList<>();
    if (remote.gpgVerify() || remote.gpgVerifySummary()) {
      GpgVerifier gpg = GpgVerifier.fromKeyrings(gpgKeyrings(repo, remote, roots));
      if (remote.gpgVerify()) {
        commit.add(gpg);
      }
      if (remote.gpgVerifySummary()) {
        summary.add(gpg);
      }
    }
    if (remote.signVerify() || remote.signVerifySummary()) {
      Ed25519Verifier ed = ed25519(remote, roots);
      if (remote.signVerify()) {
        commit.add(ed);
      }
      if (remote.signVerifySummary()) {
        summary.add(ed);
      }
    }
    return new VerificationPolicy(commit, summary);
  }

  /** The remote's keyring, its {@code gpgkeypath} entries, else the system keyring directory. */
  static List<Path> gpgKeyrings(Path repo, Remote remote, TrustRoots roots) {
    List<Path> out = new ArrayList<>();
    Path own = repo.resolve(remote.name() + ".trustedkeys.gpg");
    if (Files.isRegularFile(own)) {
      out.add(own);
    }
    for (String p : remote.gpgKeyPaths()) {
      addFileOrDir(out, Path.of(p));
    }
    if (out.isEmpty()) {
      addFileOrDir(out, roots.gpgDir());
    }
    return out;
  }

  private static void addFileOrDir(List<Path> out, Path p) {
    if (Files.isDirectory(p)) {
      try (Stream<Path> s = Files.list(p)) {
        s.filter(Files::isRegularFile).sorted().forEach(out::add);
      } catch (IOException e) {
        throw new RemoteException("Reading " + p + ": " + e.getMessage());
      }
    } else if (Files.isRegularFile(p)) {
      out.add(p);
    }
  }

  static Ed25519Verifier ed25519(Remote remote, TrustRoots roots) {
    List<byte[]> trusted = new ArrayList<>();
    remote.ed25519Key().ifPresent(k -> trusted.add(Ed25519Keys.parsePublic(k)));
    remote.ed25519File().ifPresent(f -> trusted.addAll(Ed25519Keys.readPublicKeyFile(Path.of(f))));
    List<byte[]> revoked = new ArrayList<>();
    for (Path dir : roots.ed25519Dirs()) {
      if (remote.ed25519Key().isEmpty() && remote.ed25519File().isEmpty()) {
        trusted.addAll(Ed25519Keys.readKeyDir(dir, "trusted.ed25519"));
      }
      revoked.addAll(Ed25519Keys.readKeyDir(dir, "revoked.ed25519"));
    }
    return new Ed25519Verifier(trusted, revoked);
  }
}
