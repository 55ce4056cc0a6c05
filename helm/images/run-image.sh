#!/usr/bin/env bash
# Runs a jib-built image tarball without a container engine, to check that it is complete: unpacks
# its layers in order into a scratch root, then runs the image's entrypoint there with its Env and
# User (unshare --root, needs root). No cgroups, network or seccomp: this proves the filesystem,
# entrypoint, user and classpath, not a container runtime.
#
# Usage: run-image.sh IMAGE.tar [ARG...]    (ARGs replace the image's Cmd)
set -euo pipefail
image="$(readlink -f "${1:?usage: run-image.sh IMAGE.tar [ARG...]}")"; shift
[ "$(id -u)" -eq 0 ] || { echo "run-image.sh needs root (unshare --root)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xf "$image" manifest.json
config="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$work/manifest.json")"
mapfile -t layers < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$work/manifest.json")
tar -C "$work" -xf "$image" "$config" "${layers[@]}"
mkdir -p "$work/rootfs"
for layer in "${layers[@]}"; do tar --warning=no-unknown-keyword -C "$work/rootfs" -xf "$work/$layer"; done
mapfile -t entry < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["config"]; print("\n".join(c.get("Entrypoint") or []))' "$work/$config")
mapfile -t envs < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["config"]; print("\n".join(c.get("Env") or []))' "$work/$config")
user="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"].get("User") or "0:0")' "$work/$config")"
echo "[run-image] user=$user entrypoint=${entry[*]} args=$*" >&2

mkdir -p "$work/rootfs/proc"
# The images have no shell: run the entrypoint directly, in a new mount and PID namespace with
# its own /proc (the JVM's launcher finds its libraries through /proc/self/exe).
env -i "${envs[@]}" unshare --mount --pid --fork --mount-proc --root="$work/rootfs" \
  --setgid="${user#*:}" --setuid="${user%%:*}" "${entry[@]}" "$@"
