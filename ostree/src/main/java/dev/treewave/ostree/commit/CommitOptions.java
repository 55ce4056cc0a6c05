package dev.treewave.ostree.commit;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.gvariant.GVariant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code ostree commit} takes. Build with {@link #builder()}. Metadata insertion order is
 * preserved because it is part of the commit's bytes.
 */
public record CommitOptions(
    Optional<String> branch,
    String subject,
    String body,
    Optional<Long> timestamp,
    Map<String, String> metadataStrings,
    Map<String, GVariant> metadata,
    Optional<ObjectId> parent,
    boolean noParent,
    boolean canonicalPermissions,
    OptionalInt ownerUid,
    OptionalInt ownerGid,
    boolean noXattrs,
    boolean skipIfUnchanged,
    boolean noBindings,
    List<TreeSource> trees,
    int threads,
    boolean generateSizes,
    Optional<CommitFilter> filter) {

  public CommitOptions {
    metadataStrings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadataStrings));
    metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    trees = List.copyOf(trees);
    if (trees.isEmpty()) {
      throw new IllegalArgumentException("No tree given (--tree=dir=PATH or a path)");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Fluent builder; defaults match {@code ostree commit}. */
  public static final class Builder {
    private Optional<String> branch = Optional.empty();
    private String subject = "";
    private String body = "";
    private Optional<Long> timestamp = Optional.empty();
    private final Map<String, String> metadataStrings = new LinkedHashMap<>();
    private final Map<String, GVariant> metadata = new LinkedHashMap<>();
    private Optional<ObjectId> parent = Optional.empty();
    private boolean noParent;
    private boolean canonicalPermissions;
    private OptionalInt ownerUid = OptionalInt.empty();
    private OptionalInt ownerGid = OptionalInt.empty();
    private boolean noXattrs;
    private boolean skipIfUnchanged;
    private boolean noBindings;
    private final List<TreeSource> trees = new ArrayList<>();
    private int threads = Runtime.getRuntime().availableProcessors();
    private boolean generateSizes;
    private CommitFilter filter;

    public Builder branch(String b) {
      branch = Optional.ofNullable(b);
      return this;
    }

    public Builder subject(String s) {
      subject = s == null ? "" : s;
      return this;
    }

    public Builder body(String s) {
      body = s == null ? "" : s;
      return this;
    }

    public Builder timestamp(long epochSeconds) {
      timestamp = Optional.of(epochSeconds);
      return this;
    }

    public Builder addMetadataString(String key, String value) {
      metadataStrings.put(key, value);
      return this;
    }

    public Builder addMetadata(String key, GVariant value) {
      metadata.put(key, value);
      return this;
    }

    /** An explicit parent; {@link #noParent()} for none; default: the branch's current commit. */
    public Builder parent(ObjectId p) {
      parent = Optional.of(p);
      return this;
    }

    public Builder noParent() {
      noParent = true;
      return this;
    }

    public Builder canonicalPermissions(boolean v) {
      canonicalPermissions = v;
      return this;
    }

    public Builder owner(int uid, int gid) {
      ownerUid = OptionalInt.of(uid);
      ownerGid = OptionalInt.of(gid);
      return this;
    }

    public Builder ownerUid(int uid) {
      ownerUid = OptionalInt.of(uid);
      return this;
    }

    public Builder ownerGid(int gid) {
      ownerGid = OptionalInt.of(gid);
      return this;
    }

    public Builder noXattrs(boolean v) {
      noXattrs = v;
      return this;
    }

    public Builder skipIfUnchanged(boolean v) {
      skipIfUnchanged = v;
      return this;
    }

    public Builder noBindings(boolean v) {
      noBindings = v;
      return this;
    }

    public Builder tree(TreeSource t) {
      trees.add(t);
      return this;
    }

    public Builder tree(java.nio.file.Path dir) {
      return tree(new TreeSource.Dir(dir));
    }

    public Builder threads(int n) {
      threads = Math.max(1, n);
      return this;
    }

    /**
     * Adds {@code ostree.sizes} (see {@link dev.treewave.ostree.core.CommitSizes}) to the commit's
     * metadata. Like libostree, only archive repositories get it; other modes ignore the flag.
     */
    public Builder generateSizes(boolean v) {
      generateSizes = v;
      return this;
    }

    /** {@code --statoverride} / {@code --skip-list} (directory trees only). */
    public Builder filter(CommitFilter f) {
      filter = f;
      return this;
    }

    public CommitOptions build() {
      return new CommitOptions(
          branch,
          subject,
          body,
          timestamp,
          metadataStrings,
          metadata,
          parent,
          noParent,
          canonicalPermissions,
          ownerUid,
          ownerGid,
          noXattrs,
          skipIfUnchanged,
          noBindings,
          trees,
          threads,
          generateSizes,
          Optional.ofNullable(filter));
    }
  }
}
