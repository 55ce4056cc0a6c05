#!/usr/bin/env bash
# Builds a GPG-signed archive-mode OSTree repository with two commits (v1, v2), serves it inside
# the cluster, and publishes the public key as a ConfigMap.
#
# Nothing is pulled when it can be avoided: the repository is built with this machine's ostree and
# gpg when both are installed (bin/setup installs them), else in a throwaway $BUILDER_IMAGE
# container; on the offline cluster (up.sh chose offline) the server runs busybox httpd from the
# offline node image's own Debian userland image, which every node holds pinned, instead of
# $SERVER_IMAGE.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mkdir -p "$WORK"
if [ ! -f "$WORK/repo/config" ]; then
  if command -v ostree >/dev/null && command -v gpg >/dev/null; then
    say "building the demo repository with this machine's ostree and gpg"
    bash "$KIND_DIR/make-repo.sh" "$WORK"
  else
    need docker "install Docker, or ostree and gnupg"
    say "building the demo repository in $BUILDER_IMAGE"
    docker run --rm -v "$WORK:/work" -v "$KIND_DIR/make-repo.sh:/make-repo.sh:ro" "$BUILDER_IMAGE" bash /make-repo.sh /work
  fi
fi
server_image="$SERVER_IMAGE"
if [ -n "${OFFLINE_DIR:-}" ]; then
  # offline/build.sh tags the node's userland image (busybox-static included) with its cache key
  server_image="treewave.local/kind-cni:$(basename "$OFFLINE_DIR")"
fi
say "serving it with $server_image"
sed "s#image: busybox:1.36#image: $server_image#" "$KIND_DIR/manifests/repo-server.yaml" | kc apply -f -
kc -n "$NS" create configmap treewave-demo-keys --from-file=demo.asc="$WORK/demo.asc" \
  --dry-run=client -o yaml | kc apply -f -
kc -n "$NS" rollout status deployment/treewave-demo-repo --timeout 3m
pod="$(kc -n "$NS" get pod -l app.kubernetes.io/name=treewave-demo-repo -o jsonpath='{.items[0].metadata.name}')"
say "copying the repository into $pod"
tar -C "$WORK" -cf - repo | kc -n "$NS" exec -i "$pod" -- tar -C /srv -xf -
say "v1 $(cat "$WORK/v1.commit")"
say "v2 $(cat "$WORK/v2.commit")"
