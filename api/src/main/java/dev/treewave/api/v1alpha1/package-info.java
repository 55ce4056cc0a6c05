/**
 * The {@code treewave.dev/v1alpha1} resources.
 *
 * <p>{@link dev.treewave.api.v1alpha1.OSImage} is what people write: which OS commit goes to which
 * nodes, and how carefully. {@link dev.treewave.api.v1alpha1.OSNode} is the per-node contract
 * between the operator (writes spec) and the node agent (writes status). See {@code api/README.md}.
 *
 * <p>Every type here is an immutable record; absent optional fields are {@code null} and are left
 * out when serialised, so a status patch never clears what another writer owns.
 */
package dev.treewave.api.v1alpha1;
