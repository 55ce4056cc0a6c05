package dev.treewave.ostree.commit;

import dev.treewave.ostree.core.ObjectId;

/**
 * The outcome of a commit: the commit checksum (the parent's, if {@code --skip-if-unchanged} found
 * nothing new), whether a new commit was written, and what was stored.
 */
public record CommitResult(
    ObjectId commit, boolean created, long filesScanned, long objectsWritten, long contentBytes) {}
