package dev.treewave.ostree.cli.remote;

import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.sign.Signatures;
import dev.treewave.ostree.sign.Signer;
import dev.treewave.ostree.summary.Summary;
import dev.treewave.ostree.summary.SummaryRef;
import dev.treewave.ostree.summary.SummaryWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "summary", description = "Manage summary metadata")
final class SummaryCommand extends TransportCommand {
  @Option(
      names = {"-u", "--update"},
      description = "Update the summary")
  boolean update;

  @Option(
      names = {"-v", "--view"},
      description = "View the local summary file")
  boolean view;

  @Option(
      names = {"-m", "--add-metadata"},
      paramLabel = "KEY=STRING")
  List<String> metadata = new ArrayList<>();

  @Option(names = "--gpg-sign", paramLabel = "KEY-ID")
  List<String> gpgKeys = new ArrayList<>();

  @Option(names = "--gpg-homedir", paramLabel = "DIR")
  Path gpgHome;

  @Option(names = "--gpg-secret-keyring", paramLabel = "FILE")
  Path gpgSecretKeyring;

  @Option(names = "--sign", paramLabel = "SECRET-KEY")
  List<String> signKeys = new ArrayList<>();

  @Option(names = "--sign-type", defaultValue = "ed25519")
  String signType;

  @Option(names = "--keys-file", paramLabel = "FILE")
  Path keysFile;

  @Override
  int execute() throws Exception {
    OstreeRepo repo = repo();
    if (update) {
      Map<String, GVariant> extra = new LinkedHashMap<>();
      for (String kv : metadata) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("-m needs KEY=VALUE");
        }
        extra.put(kv.substring(0, eq), GVariant.str(kv.substring(eq + 1)));
      }
      byte[] bytes = SummaryWriter.update(repo, extra);
      List<Signer> signers = new ArrayList<>();
      for (String k : gpgKeys) {
        signers.add(Signing.gpg(k, gpgHome, gpgSecretKeyring));
      }
      signers.addAll(Signing.ed25519(signType, signKeys, keysFile));
      if (!signers.isEmpty()) {
        Map<String, GVariant> sigs = new LinkedHashMap<>();
        for (Signer s : signers) {
          sigs = Signatures.append(sigs, s.metadataKey(), s.sign(bytes));
        }
        SummaryWriter.writeSignatures(repo, sigs);
      }
    }
    if (view || !update) {
      print(out(), Summary.parse(Files.readAllBytes(repo.path().resolve("summary"))));
    }
    return 0;
  }

  /** Roughly {@code ostree summary -v}. */
  static void print(PrintWriter out, Summary s) {
    for (SummaryRef r : s.refs()) {
      out.println("* " + r.name());
      out.println("    Latest Commit (" + r.commitSize() + " bytes):");
      out.println("      " + r.commit().hex());
      r.version().ifPresent(v -> out.println("    Version (ostree.commit.version): " + v));
      r.timestamp()
          .ifPresent(
              t ->
                  out.println(
                      "    Timestamp (ostree.commit.timestamp): " + Instant.ofEpochSecond(t)));
      out.println();
    }
    Map<String, dev.treewave.ostree.core.ObjectId> deltas = s.staticDeltas();
    if (!deltas.isEmpty()) {
      out.println("Static Deltas (ostree.static-deltas):");
      deltas.forEach((k, v) -> out.println("  " + k + ": " + v.hex()));
      out.println();
    }
    s.lastModified()
        .ifPresent(
            t ->
                out.println(
                    "Last-Modified (ostree.summary.last-modified): " + Instant.ofEpochSecond(t)));
    s.mode().ifPresent(m -> out.println("Repository Mode (ostree.summary.mode): " + m));
    out.println(
        "Has Tombstone Commits (ostree.summary.tombstone-commits): "
            + (s.metadata().get(Summary.TOMBSTONES_KEY) instanceof GVariant.Bool b && b.value()
                ? "Yes"
                : "No"));
  }
}
