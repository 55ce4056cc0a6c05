#!/usr/bin/env bash
# The whole Kind demo: cluster, images, repository, node sysroots, chart, rollout, verification.
# Keeps the cluster unless --teardown is given (kind/down.sh removes it later).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$KIND_DIR/up.sh"
"$KIND_DIR/images.sh"
kc create namespace "$NS" --dry-run=client -o yaml | kc apply -f -
"$KIND_DIR/repo.sh"
"$KIND_DIR/prepare-nodes.sh"
"$KIND_DIR/install.sh"
"$KIND_DIR/rollout.sh"
if [ "${1:-}" = "--teardown" ]; then "$KIND_DIR/down.sh"; fi
