package dev.treewave.ostree.commit;

import dev.treewave.ostree.core.ObjectId;
import java.util.List;

/**
 * The outcome of a commit: the commit checksum (the parent's, if {@code --skip-if-unchanged} found
 * nothing new), whether a new commit was written, what was stored, and warnings for the user
 * (something the commit could not read as libostree would).
 */
public record CommitResult(
    ObjectId commit,
    boolean created,
    long filesScanned,
    long objectsWritten,
    long contentBytes,
    List<String> warnings) {}
