#!/usr/bin/env bash
# Runs an image tarball without a container engine, to check that it is complete: unpacks its
# layers in order into a scratch root, then runs the image's entrypoint there with its Env and
# User (unshare --root, needs root). No cgroups, network or seccomp: this proves the filesystem,
# entrypoint, user and classpath, not a container runtime.
#
# The tarball is a "docker save" image or an OCI image layout (bin/build-images --oci); from a
# multi-platform layout --arch picks the image (default: this machine's). An image of another
# architecture runs under qemu-user (Debian's qemu-user-static), copied into the scratch root so
# the program's own paths resolve there, without binfmt_misc.
#
# Usage: run-image.sh [--arch amd64|arm64] IMAGE.tar [ARG...]    (ARGs replace the image's Cmd)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "$(uname -m)" in x86_64) host=amd64 ;; aarch64) host=arm64 ;; *) host="$(uname -m)" ;; esac
arch="$host"
if [ "${1:-}" = --arch ]; then arch="${2:?--arch needs amd64 or arm64}"; shift 2; fi
image="$(readlink -f "${1:?usage: run-image.sh [--arch ARCH] IMAGE.tar [ARG...]}")"; shift
[ "$(id -u)" -eq 0 ] || { echo "run-image.sh needs root (unshare --root)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs"
# image-layers.py unpacks the layers and prints the config's Entrypoint, Env and User as JSON.
python3 "$here/image-layers.py" "$image" "$arch" "$work/rootfs" >"$work/config.json"
mapfile -t entry < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["Entrypoint"]))' "$work/config.json")
mapfile -t envs < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["Env"]))' "$work/config.json")
user="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["User"] or "0:0")' "$work/config.json")"
if [ "$arch" != "$host" ]; then
  qemu="$(command -v "qemu-$([ "$arch" = arm64 ] && echo aarch64 || echo x86_64)-static" || true)"
  [ -n "$qemu" ] || { echo "run-image.sh: a $arch image needs qemu-user-static (apt-get install qemu-user-static)" >&2; exit 2; }
  cp "$qemu" "$work/rootfs/.qemu-user"
  # qemu-user takes a path, it does not search PATH: resolve the program in the image's PATH.
  program="${entry[0]}"
  if [ "${program#/}" = "$program" ]; then
    path="$(printf '%s\n' "${envs[@]}" | sed -n 's/^PATH=//p')"
    for dir in ${path//:/ }; do
      if [ -x "$work/rootfs$dir/$program" ]; then program="$dir/$program"; break; fi
    done
  fi
  entry=(/.qemu-user "$program" "${entry[@]:1}")
fi
echo "[run-image] arch=$arch user=$user entrypoint=${entry[*]} args=$*" >&2

mkdir -p "$work/rootfs/proc"
# The images have no shell: run the entrypoint directly, in a new mount and PID namespace with
# its own /proc (the JVM's launcher finds its libraries through /proc/self/exe).
env -i "${envs[@]}" unshare --mount --pid --fork --mount-proc --root="$work/rootfs" \
  --setgid="${user#*:}" --setuid="${user%%:*}" "${entry[@]}" "$@"
