package dev.treewave.ostree.cli.repo;

import dev.treewave.ostree.cli.remote.Signing;
import dev.treewave.ostree.commit.CommitOptions;
import dev.treewave.ostree.commit.CommitResult;
import dev.treewave.ostree.commit.TreeCommitter;
import dev.treewave.ostree.commit.TreeSource;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.sign.Signatures;
import dev.treewave.ostree.sign.Signer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "commit", description = "Commit a new revision")
final class CommitCommand extends RepoCommand {
  @Option(names = {"-b", "--branch"})
  String branch;

  @Option(names = {"-s", "--subject"})
  String subject;

  @Option(names = {"-m", "--body"})
  String body;

  @Option(names = "--tree", description = "dir=PATH, tar=TARFILE or ref=REV (repeatable, overlaid)")
  List<String> trees = new ArrayList<>();

  @Option(names = "--timestamp", description = "Override the timestamp of the commit")
  String timestamp;

  @Option(names = "--add-metadata-string", description = "KEY=VALUE")
  List<String> metaStrings = new ArrayList<>();

  @Option(names = "--add-metadata", description = "KEY=GVARIANT-TEXT")
  List<String> metas = new ArrayList<>();

  @Option(names = "--parent", description = "Parent commit checksum, or \"none\"")
  String parent;

  @Option(names = "--orphan", description = "Create a commit without writing a ref")
  boolean orphan;

  @Option(names = "--canonical-permissions")
  boolean canonical;

  @Option(names = "--owner-uid")
  Integer ownerUid;

  @Option(names = "--owner-gid")
  Integer ownerGid;

  @Option(names = "--no-xattrs")
  boolean noXattrs;

  @Option(names = "--skip-if-unchanged")
  boolean skipIfUnchanged;

  @Option(names = "--no-bindings")
  boolean noBindings;

  @Option(
      names = "--generate-sizes",
      description = "Generate size information along with commit metadata (archive repos only)")
  boolean generateSizes;

  @Option(
      names = "--statoverride",
      paramLabel = "FILE",
      description = "File of '+MODE PATH' (add bits) or '=MODE PATH' (set permissions) lines")
  java.nio.file.Path statOverride;

  @Option(
      names = "--skip-list",
      paramLabel = "FILE",
      description = "File of paths (one a line) to leave out of the commit")
  java.nio.file.Path skipList;

  @Option(
      names = "--sign",
      paramLabel = "KEY",
      description = "Sign the commit with this secret key (base64, as ostree's; repeatable)")
  List<String> signKeys = new ArrayList<>();

  @Option(
      names = "--sign-type",
      paramLabel = "NAME",
      defaultValue = "ed25519",
      description = "Signature type to use (defaults to 'ed25519')")
  String signType;

  @Option(
      names = "--keys-file",
      paramLabel = "FILE",
      description = "Sign with every secret key in FILE, one base64 key a line (not in ostree)")
  java.nio.file.Path keysFile;

  @Option(
      names = "--gpg-sign",
      paramLabel = "KEY-ID",
      description = "GPG Key ID to sign the commit with (repeatable)")
  List<String> gpgKeyIds = new ArrayList<>();

  @Option(
      names = "--gpg-homedir",
      paramLabel = "HOMEDIR",
      description = "GPG Homedir to use when looking for keyrings")
  java.nio.file.Path gpgHomedir;

  @Parameters(arity = "0..1", paramLabel = "PATH")
  String path;

  @Override
  int execute() throws java.io.IOException {
    OstreeRepo repo = repo();
    if (branch == null && !orphan) {
      throw new IllegalArgumentException(
          "A branch must be specified with --branch, or use --orphan");
    }
    CommitOptions.Builder b = CommitOptions.builder().branch(branch).subject(subject).body(body);
    if (path != null) {
      b.tree(TreeSource.parse("dir=" + path));
    }
    for (String t : trees) {
      b.tree(TreeSource.parse(t));
    }
    if (timestamp != null) {
      b.timestamp(TimeParser.parseEpochSeconds(timestamp));
    } else if (System.getenv("SOURCE_DATE_EPOCH") != null) {
      b.timestamp(Long.parseLong(System.getenv("SOURCE_DATE_EPOCH").strip()));
    }
    for (String kv : metaStrings) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("Missing '=' in KEY=VALUE metadata '" + kv + "'");
      }
      b.addMetadataString(kv.substring(0, eq), kv.substring(eq + 1));
    }
    for (String kv : metas) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("Missing '=' in KEY=VALUE metadata '" + kv + "'");
      }
      b.addMetadata(kv.substring(0, eq), GVariantTextParser.parse(kv.substring(eq + 1)));
    }
    if (parent != null) {
      if (parent.equals("none")) {
        b.noParent();
      } else {
        b.parent(ObjectId.parse(parent));
      }
    }
    if (orphan && branch == null) {
      b.noParent();
    }
    b.canonicalPermissions(canonical).noXattrs(noXattrs).skipIfUnchanged(skipIfUnchanged);
    b.noBindings(noBindings).generateSizes(generateSizes);
    if (statOverride != null || skipList != null) {
      b.filter(dev.treewave.ostree.commit.CommitFilter.read(statOverride, skipList));
    }
    if (ownerUid != null) {
      b.ownerUid(ownerUid);
    }
    if (ownerGid != null) {
      b.ownerGid(ownerGid);
    }
    // Keys are loaded before anything is written: a refused key leaves the repository untouched.
    List<Signer> signers = signers();
    TreeCommitter committer = new TreeCommitter(repo, b.build());
    Progress progress = Progress.onTerminal(err(), "Committing: %d files");
    committer.onProgress(progress::update);
    CommitResult r = committer.commit();
    progress.done();
    r.warnings().forEach(w -> err().println("warning: " + w));
    if (r.created()) { // as ostree: an unchanged tree skipped by --skip-if-unchanged is not signed
      for (Signer s : signers) {
        Signatures.signCommit(repo, r.commit(), s);
      }
    }
    out().println(r.commit().hex());
    return 0;
  }

  private List<Signer> signers() throws java.io.IOException {
    List<Signer> all = new ArrayList<>(Signing.ed25519(signType, signKeys, keysFile));
    for (String keyId : gpgKeyIds) {
      all.add(Signing.gpg(keyId, gpgHomedir, null));
    }
    return all;
  }
}
