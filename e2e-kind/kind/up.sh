#!/usr/bin/env bash
# Creates the Kind cluster (one control plane, two workers).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need docker "install Docker and start its daemon"
need kind "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
need kubectl "https://kubernetes.io/docs/tasks/tools/"
if kind get clusters | grep -qx "$CLUSTER"; then
  say "cluster $CLUSTER exists"
else
  say "creating cluster $CLUSTER"
  kind create cluster --name "$CLUSTER" --config "$KIND_DIR/cluster.yaml" --wait 120s
fi
kc get nodes -o wide
