/**
 * {@code kubectl treewave}: a kubectl plugin for SREs. {@code status} and {@code plan} only read;
 * every other command is a thin writer of a declarative field or annotation the operator already
 * reads ({@link dev.treewave.kubectl.OSImageEdits}), so what the plugin does a GitOps commit or a
 * {@code kubectl annotate} can do too.
 */
package dev.treewave.kubectl;
