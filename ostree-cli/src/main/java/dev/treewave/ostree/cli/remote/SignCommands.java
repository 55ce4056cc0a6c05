package dev.treewave.ostree.cli.remote;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.ObjectType;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.sign.Signatures;
import dev.treewave.ostree.sign.Signer;
import dev.treewave.ostree.sign.ed25519.Ed25519Keys;
import dev.treewave.ostree.sign.ed25519.Ed25519Verifier;
import dev.treewave.ostree.sign.gpg.GpgVerifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "gpg-sign", description = "Sign a commit with GPG")
final class GpgSignCommand extends TransportCommand {
  @Option(names = "--gpg-homedir")
  Path home;

  @Option(names = "--gpg-secret-keyring")
  Path keyring;

  @Option(
      names = "--verify-with",
      paramLabel = "KEYRING",
      description = "Verify instead, against this public keyring")
  Path verifyWith;

  @Parameters(index = "0")
  String commit;

  @Parameters(index = "1..*")
  List<String> keyIds = new ArrayList<>();

  @Override
  int execute() throws Exception {
    OstreeRepo repo = repo();
    ObjectId id = repo.resolveRev(commit);
    if (verifyWith != null) {
      byte[] bytes = repo.readMetadata(ObjectType.COMMIT, id);
      out()
          .println(
              GpgVerifier.fromKeyrings(List.of(verifyWith))
                  .verifyDetached(bytes, repo.readCommitMeta(id).orElse(Map.of()), "commit " + id));
      return 0;
    }
    if (keyIds.isEmpty()) {
      throw new IllegalArgumentException("gpg-sign needs a KEY-ID");
    }
    for (String k : keyIds) {
      Signatures.signCommit(repo, id, Signing.gpg(k, home, keyring));
    }
    return 0;
  }
}

@Command(name = "sign", description = "Sign a commit (ed25519)")
final class SignCommand extends TransportCommand {
  @Option(
      names = {"-s", "--sign-type"},
      defaultValue = "ed25519")
  String type;

  @Option(names = "--verify")
  boolean verify;

  @Option(names = "--keys-file")
  Path keysFile;

  @Option(names = "--revoked-keys-file")
  Path revokedFile;

  @Parameters(index = "0")
  String commit;

  @Parameters(index = "1..*")
  List<String> keys = new ArrayList<>();

  @Override
  int execute() {
    if (!type.equals("ed25519")) {
      throw new IllegalArgumentException("Requested signature type is not implemented: " + type);
    }
    OstreeRepo repo = repo();
    ObjectId id = repo.resolveRev(commit);
    if (verify) {
      List<byte[]> pubs = new ArrayList<>();
      keys.forEach(k -> pubs.add(Ed25519Keys.parsePublic(k)));
      if (keysFile != null) {
        pubs.addAll(Ed25519Keys.readPublicKeyFile(keysFile));
      }
      List<byte[]> revoked =
          revokedFile == null ? List.of() : Ed25519Keys.readPublicKeyFile(revokedFile);
      String r =
          new Ed25519Verifier(pubs, revoked)
              .verifyDetached(
                  repo.readMetadata(ObjectType.COMMIT, id),
                  repo.readCommitMeta(id).orElse(Map.of()),
                  "commit " + id);
      out()
          .println(
              "Signature verified successfully with key '"
                  + r.substring(r.lastIndexOf(' ') + 1)
                  + "'");
      return 0;
    }
    for (Signer s : Signing.ed25519(type, keys, keysFile)) {
      Signatures.signCommit(repo, id, s);
    }
    return 0;
  }
}
