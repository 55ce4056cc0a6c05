#!/usr/bin/env bash
# Kind nodes do not boot from OSTree. This gives every node a scratch sysroot at $SYSROOT (the
# chart's agent.hostRoot in values-kind.yaml) with v1 deployed from $WORK/repo, and boot.sh as its
# bootloader: the simulated kernel command line and boot id the agent reads, and the reboot
# command that boots the default entry and restarts the agent. The offline node image has ostree;
# on the official image it is installed with apt.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need docker "install Docker"
v1="$(cat "$WORK/v1.commit")"
for node in ${TREEWAVE_KIND_NODES:-$(nodes)}; do
  say "preparing $node"
  # not under /tmp: a tmpfs in Kind nodes, which docker cp does not see
  docker exec "$node" mkdir -p /var/lib/treewave-kind
  docker cp "$WORK/repo" "$node:/var/lib/treewave-kind/demo-repo"
  docker exec -e SYSROOT="$SYSROOT" -e V1="$v1" "$node" bash -euo pipefail -c '
    command -v ostree >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ostree >/dev/null; }
    if [ ! -d "$SYSROOT/ostree/deploy/treewave-demo" ]; then
      mkdir -p "$SYSROOT" && ostree admin init-fs "$SYSROOT"
      ostree admin os-init --sysroot="$SYSROOT" treewave-demo
      ostree --repo="$SYSROOT/ostree/repo" pull-local /var/lib/treewave-kind/demo-repo "$V1"
      ostree admin deploy --sysroot="$SYSROOT" --os=treewave-demo --karg=root=LABEL=demo "$V1"
    fi
    rm -rf /var/lib/treewave-kind/demo-repo'
  docker exec "$node" mkdir -p "$SYSROOT/treewave-kind"
  docker cp "$KIND_DIR/boot.sh" "$node:$SYSROOT/treewave-kind/boot.sh"
  docker exec "$node" sh "$SYSROOT/treewave-kind/boot.sh" "$SYSROOT"
done
