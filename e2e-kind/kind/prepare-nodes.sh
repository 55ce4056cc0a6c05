#!/usr/bin/env bash
# Kind nodes do not boot from OSTree. This gives every node a scratch sysroot at $SYSROOT (the
# chart's agent.hostRoot in values-kind.yaml) with v1 deployed, so the agent has an OSTree host
# to manage. It is a demo stand-in for a real OSTree-booted node: nothing here reboots.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need docker "install Docker"
v1="$(cat "$WORK/v1.commit")"
for node in $(nodes); do
  say "preparing $node"
  docker cp "$WORK/repo" "$node:/tmp/treewave-demo-repo"
  docker exec -e SYSROOT="$SYSROOT" -e V1="$v1" "$node" bash -euo pipefail -c '
    command -v ostree >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ostree >/dev/null; }
    if [ ! -d "$SYSROOT/ostree/deploy/treewave-demo" ]; then
      mkdir -p "$SYSROOT" && ostree admin init-fs "$SYSROOT"
      ostree admin os-init --sysroot="$SYSROOT" treewave-demo
      ostree --repo="$SYSROOT/ostree/repo" pull-local /tmp/treewave-demo-repo "$V1"
      ostree admin deploy --sysroot="$SYSROOT" --os=treewave-demo --karg=root=LABEL=demo "$V1"
    fi
    mkdir -p "$SYSROOT/run" && touch "$SYSROOT/run/ostree-booted"
    rm -rf /tmp/treewave-demo-repo'
done
