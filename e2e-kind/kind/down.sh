#!/usr/bin/env bash
# Deletes the Kind cluster and the demo's work directory, and stops the Docker daemon if up.sh
# started it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if command -v kind >/dev/null && docker version >/dev/null 2>&1; then
  kind delete cluster --name "$CLUSTER"
fi
if [ -f "$WORK/docker-started" ]; then
  "$KIND_DIR/offline/docker.sh" stop
fi
rm -rf "$WORK"
