package dev.treewave.ostree.commit;

import dev.treewave.ostree.core.Commit;
import dev.treewave.ostree.core.CommitSizes;
import dev.treewave.ostree.core.DirMeta;
import dev.treewave.ostree.core.DirTree;
import dev.treewave.ostree.core.FileHeader;
import dev.treewave.ostree.core.FileMode;
import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.core.Xattr;
import dev.treewave.ostree.gvariant.GVariant;
import dev.treewave.ostree.gvariant.GVariantType;
import dev.treewave.ostree.repo.FileAttributes;
import dev.treewave.ostree.repo.FileNames;
import dev.treewave.ostree.repo.NativeFs;
import dev.treewave.ostree.repo.OstreeException;
import dev.treewave.ostree.repo.OstreeRepo;
import dev.treewave.ostree.repo.RepoMode;
import dev.treewave.ostree.repo.Transaction;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;

/**
 * {@code ostree commit}: turns one or more trees (directories, tarballs, existing commits, overlaid
 * in order) into dirtree/dirmeta/content objects and a commit, byte-identical to what libostree
 * writes for the same inputs. File contents are hashed and stored in parallel.
 */
public final class TreeCommitter {
  private final OstreeRepo repo;
  private final CommitOptions options;
  private final OwnershipPolicy policy;
  private final boolean readXattrs;
  private LongConsumer progress = n -> {};
  private final List<String> warnings = new ArrayList<>();

  public TreeCommitter(OstreeRepo repo, CommitOptions options) {
    this.repo = repo;
    this.options = options;
    boolean canonical = options.canonicalPermissions() || repo.mode() == RepoMode.BARE_USER_ONLY;
    this.policy =
        new OwnershipPolicy(
            canonical,
            options.ownerUid(),
            options.ownerGid(),
            options.noXattrs() || repo.mode() == RepoMode.BARE_USER_ONLY);
    // Canonical permissions store no xattrs (as libostree), so do not even read them.
    this.readXattrs = !canonical && !options.noXattrs() && repo.mode() != RepoMode.BARE_USER_ONLY;
  }

  /** Receives the number of files hashed so far, now and then (for a progress line). */
  public TreeCommitter onProgress(LongConsumer progress) {
    this.progress = progress;
    return this;
  }

  public CommitResult commit() {
    Optional<ObjectId> parent = resolveParent();
    // libostree only generates sizes in archive repositories and silently ignores the flag
    // elsewhere; doing the same keeps commit checksums identical in every mode.
    SizesCollector sizes = collectsSizes() ? new SizesCollector() : null;
    try (Transaction tx = repo.beginTransaction();
        ContentImporter importer = new ContentImporter(tx, options.threads(), sizes)) {
      if (sizes != null) {
        sizes.attach(tx);
      }
      MutableTree root = null;
      for (TreeSource src : options.trees()) {
        if (sizes != null) {
          sizes.newTree();
        }
        root = apply(src, root, tx, importer);
      }
      options.filter().ifPresent(CommitFilter::requireAllMatched);
      ObjectId rootTree = writeTree(root, tx, importer);
      ObjectId rootMeta = root.meta();
      if (options.skipIfUnchanged() && parent.isPresent()) {
        Commit p = repo.readCommit(parent.get());
        if (p.rootTree().equals(rootTree) && p.rootMeta().equals(rootMeta)) {
          tx.commit(); // dirtrees are already stored; harmless and keeps them durable
          return new CommitResult(
              parent.get(), false, importer.filesDone.get(), 0, 0, List.copyOf(warnings));
        }
      }
      Map<String, GVariant> md = metadata();
      if (sizes != null) {
        md.put(CommitSizes.METADATA_KEY, sizes.result(tx).toVariant()); // last, as libostree
      }
      Commit c =
          new Commit(
              md,
              parent,
              options.subject(),
              options.body(),
              options.timestamp().orElse(System.currentTimeMillis() / 1000),
              rootTree,
              rootMeta);
      ObjectId id = tx.writeCommit(c);
      tx.commit();
      options.branch().ifPresent(b -> repo.refs().write(b, id));
      return new CommitResult(
          id,
          true,
          importer.filesDone.get(),
          tx.stats().objectsWritten.get(),
          tx.stats().contentBytesWritten.get(),
          List.copyOf(warnings));
    }
  }

  private boolean collectsSizes() {
    return options.generateSizes() && repo.mode() == RepoMode.ARCHIVE;
  }

  private Optional<ObjectId> resolveParent() {
    if (options.noParent()) {
      return Optional.empty();
    }
    if (options.parent().isPresent()) {
      return options.parent();
    }
    return options.branch().flatMap(b -> repo.refs().read(b));
  }

  /** Insertion order as ostree: strings, then typed metadata, then the bindings. */
  private Map<String, GVariant> metadata() {
    Map<String, GVariant> md = new LinkedHashMap<>();
    options.metadataStrings().forEach((k, v) -> md.put(k, GVariant.str(v)));
    md.putAll(options.metadata());
    if (!options.noBindings()) {
      // Added even without a branch (as an empty list), exactly like ostree commit --orphan.
      if (!md.containsKey("ostree.ref-binding")) {
        md.put(
            "ostree.ref-binding",
            new GVariant.Arr(
                GVariantType.STRING,
                options.branch().stream().map(b -> (GVariant) GVariant.str(b)).toList()));
      }
      if (repo.collectionId().isPresent() && !md.containsKey("ostree.collection-binding")) {
        md.put("ostree.collection-binding", GVariant.str(repo.collectionId().get()));
      }
    }
    return md;
  }

  private ObjectId writeTree(MutableTree root, Transaction tx, ContentImporter importer) {
    try {
      return root.write(tx);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OstreeException("Interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new OstreeException(c.getMessage(), c);
    } finally {
      progress.accept(importer.filesDone.get());
    }
  }

  private MutableTree apply(
      TreeSource src, MutableTree root, Transaction tx, ContentImporter importer) {
    if (!(src instanceof TreeSource.Dir) && options.filter().isPresent()) {
      throw new OstreeException(
          "--statoverride and --skip-list are only supported with directory trees (--tree=dir=)");
    }
    if (src instanceof TreeSource.Ref r) {
      ObjectId id = repo.resolveRev(r.rev());
      Commit c = repo.readCommit(id);
      // libostree walks and re-stores every object of the ref when it must rewrite metadata or
      // record sizes; otherwise the existing dirtree is reused as is.
      if (policy.rewritesMetadata() || collectsSizes()) {
        MutableTree base = root != null ? root : new MutableTree(null);
        rewriteExisting(c.rootTree(), c.rootMeta(), base, tx, importer);
        return base;
      }
      return MutableTree.existing(repo, c.rootTree(), c.rootMeta());
    }
    if (src instanceof TreeSource.Tar t) {
      MutableTree base = root != null ? root : new MutableTree(null);
      new TarImporter(policy, readXattrs, tx, importer).importInto(t.file(), base);
      if (base.meta() == null) {
        base.setMeta(tx.writeDirMeta(DirMeta.directory(0, 0, 0755, List.of())));
      }
      return base;
    }
    Path dir = ((TreeSource.Dir) src).path();
    try {
      FileAttributes.Stat st = FileAttributes.stat(dir);
      if (!FileMode.isDirectory(st.mode())) {
        throw new OstreeException("Not a directory: " + dir);
      }
      MutableTree base = root != null ? root : new MutableTree(null);
      XattrSource xattrs = xattrSource(dir);
      base.setMeta(dirMeta(dir, "", st, tx, xattrs));
      scan(dir, "", base, tx, importer, xattrs);
      return base;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new OstreeException("opendir(" + dir + "): No such file or directory");
    } catch (IOException e) {
      throw new OstreeException("Reading " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Copies an existing tree through the ownership policy (libostree's modifier semantics). */
  private void rewriteExisting(
      ObjectId treeId,
      ObjectId metaId,
      MutableTree into,
      Transaction tx,
      ContentImporter importer) {
    into.setMeta(tx.writeDirMeta(policy.apply(repo.readDirMeta(metaId))));
    dev.treewave.ostree.core.DirTree t = repo.readDirTree(treeId);
    for (dev.treewave.ostree.core.DirTree.FileEntry f : t.files()) {
      into.putFile(f.name(), importer.rewritten(repo, f.checksum(), policy::apply));
    }
    for (dev.treewave.ostree.core.DirTree.DirEntry d : t.dirs()) {
      rewriteExisting(
          d.treeChecksum(), d.metaChecksum(), into.directory(d.name(), null), tx, importer);
    }
  }

  /**
   * Where this directory tree's xattrs come from: none when they are not committed, every namespace
   * through native calls, else the JDK's {@code user.*} only (with a warning, as anything in
   * another namespace is then left out of the commit).
   */
  private XattrSource xattrSource(Path dir) {
    if (!readXattrs) {
      return XattrSource.NONE;
    }
    Optional<NativeFs> fs = NativeFs.system();
    if (fs.isPresent()) {
      return XattrSource.everyNamespace(fs.get());
    }
    warnings.add(
        NativeFs.unavailableReason()
            + ": only user.* xattrs were read from "
            + dir
            + "; security.*, trusted.* and ACL xattrs, which ostree commits, were left out");
    return XattrSource.USER_ONLY;
  }

  private ObjectId dirMeta(
      Path dir, String relative, FileAttributes.Stat st, Transaction tx, XattrSource source)
      throws IOException {
    List<Xattr> xattrs = source.of(dir, relative);
    return tx.writeDirMeta(
        new DirMeta(
            policy.uid(st.uid()),
            policy.gid(st.gid()),
            policy.mode(st.mode()),
            policy.xattrs(xattrs)));
  }

  /**
   * The name of {@code child} as a dirtree name: its bytes must be UTF-8, as libostree refuses
   * other names ("Invalid UTF-8 in filename"); read byte for byte whatever the locale.
   */
  static String fileName(Path child, String prefix) {
    return FileNames.system()
        .utf8FileName(child)
        .orElseThrow(
            () ->
                new OstreeException(
                    "Invalid UTF-8 in filename " + prefix + "/" + child.getFileName()));
  }

  private void scan(
      Path dir,
      String prefix,
      MutableTree tree,
      Transaction tx,
      ContentImporter importer,
      XattrSource xattrs)
      throws IOException {
    CommitFilter filter = options.filter().orElse(null);
    List<Entry> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path child : ds) {
        children.add(new Entry(child, fileName(child, prefix)));
      }
    }
    // Files are queued in the order MutableTree.write will ask for them (this directory's files by
    // name, then each subdirectory by name), so dirtrees are written while content is still being
    // compressed instead of all at the end.
    children.sort(Comparator.comparing(Entry::name, DirTree.NAME_ORDER));
    List<Subdirectory> subdirectories = new ArrayList<>();
    for (Entry entry : children) {
      Path child = entry.path();
      String name = entry.name();
      FileAttributes.Stat st = FileAttributes.stat(child);
      int mode = st.mode();
      String path = prefix + "/" + name;
      if (filter != null) {
        // ostree's commit filter: the mode change first, then the skip-list.
        mode = filter.mode(path, mode, FileMode.isDirectory(mode));
        if (filter.skips(path)) {
          continue;
        }
      }
      if (FileMode.isDirectory(mode)) {
        MutableTree sub = tree.directory(name, dirMeta(child, path, st, tx, xattrs));
        subdirectories.add(new Subdirectory(child, path, sub));
      } else if (FileMode.isRegular(mode)) {
        tree.putFile(
            name,
            importer.regularFile(
                child,
                st.size(),
                policy.uid(st.uid()),
                policy.gid(st.gid()),
                policy.mode(mode),
                xattrs,
                path));
      } else if (FileMode.isSymlink(mode)) {
        String target = FileNames.system().readSymbolicLink(child);
        tree.putFile(
            name,
            importer.symlink(
                FileHeader.symlink(
                    policy.uid(st.uid()),
                    policy.gid(st.gid()),
                    target,
                    policy.xattrs(xattrs.ofSymlink(child, path)))));
      } else {
        throw new OstreeException(
            "Unsupported file type (mode 0" + Integer.toOctalString(mode) + ") at " + child);
      }
      long done = importer.filesDone.get();
      if ((done & 1023) == 0) {
        progress.accept(done);
      }
    }
    for (Subdirectory d : subdirectories) {
      scan(d.dir(), d.path(), d.tree(), tx, importer, xattrs);
    }
  }

  private record Entry(Path path, String name) {}

  private record Subdirectory(Path dir, String path, MutableTree tree) {}
}
