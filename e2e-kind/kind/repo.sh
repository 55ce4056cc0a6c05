#!/usr/bin/env bash
# Builds a GPG-signed archive-mode OSTree repository with two commits (v1, v2) in a throwaway
# container, serves it inside the cluster, and publishes the public key as a ConfigMap.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need docker "install Docker"
mkdir -p "$WORK"
if [ ! -f "$WORK/repo/config" ]; then
  say "building the demo repository in $BUILDER_IMAGE"
  docker run --rm -v "$WORK:/work" -v "$KIND_DIR/make-repo.sh:/make-repo.sh:ro" "$BUILDER_IMAGE" bash /make-repo.sh /work
fi
kc apply -f "$KIND_DIR/manifests/repo-server.yaml"
kc -n "$NS" create configmap treewave-demo-keys --from-file=demo.asc="$WORK/demo.asc" \
  --dry-run=client -o yaml | kc apply -f -
kc -n "$NS" rollout status deployment/treewave-demo-repo --timeout 3m
pod="$(kc -n "$NS" get pod -l app.kubernetes.io/name=treewave-demo-repo -o jsonpath='{.items[0].metadata.name}')"
say "copying the repository into $pod"
tar -C "$WORK" -cf - repo | kc -n "$NS" exec -i "$pod" -- tar -C /srv -xf -
say "v1 $(cat "$WORK/v1.commit")"
say "v2 $(cat "$WORK/v2.commit")"
