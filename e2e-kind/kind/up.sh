#!/usr/bin/env bash
# Creates the Kind cluster (one control plane, two workers). With TREEWAVE_KIND_OFFLINE=1, or in
# auto mode when the official node image cannot be pulled, it builds (once, cached) and uses the
# offline node image and kind CLI of offline/build.sh, and starts dockerd itself when no Docker
# daemon answers (down.sh stops it again).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mkdir -p "$WORK"
docker_state="$("$KIND_DIR/offline/docker.sh" start)"
[ "$docker_state" = started ] && echo started >"$WORK/docker-started"
offline=false
case "$OFFLINE_MODE" in
  1|true) offline=true ;;
  0|false) ;;
  auto)
    if ! command -v kind >/dev/null; then
      say "kind is not on PATH: offline mode"; offline=true
    elif ! timeout 120 docker pull -q "$OFFICIAL_NODE_IMAGE" >/dev/null 2>&1; then
      say "the official node image cannot be pulled: offline mode"; offline=true
    fi ;;
  *) die "TREEWAVE_KIND_OFFLINE must be 1, 0 or auto, not $OFFLINE_MODE" ;;
esac
image_args=()
if $offline; then
  dir="$("$KIND_DIR/offline/build.sh")"
  echo "$dir" >"$OFFLINE_DIR_FILE"
  PATH="$dir/bin:$PATH"
  node_image="$(sed -n 's/^node_image=//p' "$dir/.complete")"
  if ! docker image inspect "$node_image" >/dev/null 2>&1; then
    say "loading $node_image"
    docker load -q -i "$dir/node-image.tar" >/dev/null
  fi
  image_args=(--image "$node_image")
else
  rm -f "$OFFLINE_DIR_FILE"
  image_args=(--image "$OFFICIAL_NODE_IMAGE")
fi
need kind "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  say "cluster $CLUSTER exists"
else
  say "creating cluster $CLUSTER${image_args:+ from ${image_args[1]}}"
  t0=$SECONDS
  kind create cluster --name "$CLUSTER" --config "${TREEWAVE_KIND_CONFIG:-$KIND_DIR/cluster.yaml}" \
    "${image_args[@]}" --wait 180s
  say "cluster created in $((SECONDS - t0)) s"
fi
kind export kubeconfig --name "$CLUSTER" ${TREEWAVE_KUBECONFIG:+--kubeconfig "$TREEWAVE_KUBECONFIG"} >/dev/null
if command -v kubectl >/dev/null; then kc get nodes -o wide; fi
