#!/usr/bin/env bash
# The images a VM's containerd needs to run the chart's agent DaemonSet with no registry: the
# node agent built with Jib (amd64 only) on helm/images/local-base.sh's small JRE base, and the
# CRI sandbox image registry.k8s.io/pause:3.10 (the sandbox_image of build-kubelet-os.sh's
# containerd config) made here from the k8s.io/kubernetes module's pause.c, compiled static.
# VmKubeletE2E ships both in the VM's tree and imports them with ctr at boot.
#
# Usage: agent-images.sh OUTDIR   writes OUTDIR/treewave-node-agent.tar (tagged
# ghcr.io/treewave/treewave-node-agent:vm) and OUTDIR/pause.tar. The JRE base and pause are cached
# in $TREEWAVE_CACHE/images (default ~/.cache/treewave) by the hash of their inputs; the agent
# image is built each time (Jib, a minute). Progress on stderr.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:?usage: agent-images.sh OUTDIR}"
say() { printf '[vm-images %4ss] %s\n' "$SECONDS" "$*" >&2; }
. "$root/helm/images/base-archive.sh"
cache="${TREEWAVE_CACHE:-$HOME/.cache/treewave}/images"
mkdir -p "$out" "$cache"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
base_key="$({ cat "$root/helm/images/local-base.sh" "$root/helm/images/base-archive.sh"; "$java_home/bin/java" -version 2>&1; } | sha256sum | cut -c1-16)"
base="$cache/local-base-amd64-$base_key.tar"
if [ ! -s "$base" ]; then
  say "JRE base (local-base.sh)"
  "$root/helm/images/local-base.sh" "$base.tmp" && mv "$base.tmp" "$base"
fi

node_mod="$root/e2e-kind/kind/offline/node"
pause_c="$(cd "$node_mod" && GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly "$GO" list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
pause_key="$({ cat "${BASH_SOURCE[0]}" "$pause_c"; gcc --version | head -1; } | sha256sum | cut -c1-16)"
pause="$cache/pause-amd64-$pause_key.tar"
if [ ! -s "$pause" ]; then
  say "pause (gcc -static $pause_c)"
  w="$(mktemp -d)"
  mkdir -p "$w/root/etc"
  gcc -Os -static -Wall -Werror -DVERSION=v3.10-treewave -o "$w/root/pause" "$pause_c"
  printf 'root:x:0:0:root:/:/nonexistent\n' >"$w/root/etc/passwd"
  write_base_archive "$w/root" amd64 registry.k8s.io/pause:3.10 "$w/pause.tar" >/dev/null
  # write_base_archive's config has no entrypoint: the sandbox's process is /pause.
  mkdir "$w/x" && tar -C "$w/x" -xf "$w/pause.tar"
  python3 - "$w/x/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["config"] = {"Entrypoint": ["/pause"], "Env": ["PATH=/"]}
json.dump(c, open(p, "w"))
PY
  tar -C "$w/x" -cf "$pause.tmp" manifest.json config.json layer.tar && mv "$pause.tmp" "$pause"
  rm -rf "$w"
fi
cp "$pause" "$out/pause.tar"

say "agent image (Jib on tar://$base)"
(
  cd "$root"
  ./mvnw -B -q -Pimages -pl node-agent -am package -DskipTests -DskipITs \
    -Dspotless.check.skip=true -Dspotbugs.skip=true -Dtreewave.image.tag=vm \
    "-Dtreewave.image.base.amd64=tar://$base" -Dtreewave.image.skip.arm64=true >&2
)
cp "$root/node-agent/target/jib-image-amd64.tar" "$out/treewave-node-agent.tar"
say "done: $(du -sh "$out" | cut -f1) in $out"
