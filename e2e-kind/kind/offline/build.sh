#!/usr/bin/env bash
# Builds everything an offline Kind cluster needs, without any container registry, into a cache
# outside the repository keyed by the hash of its inputs:
#
#   $TREEWAVE_CACHE/kind/<hash>/bin/kind         the kind CLI (go install sigs.k8s.io/kind@KIND_VERSION)
#   $TREEWAVE_CACHE/kind/<hash>/node-image.tar   the node image, tagged treewave.local/kind-node:<hash>
#   $TREEWAVE_CACHE/kind/<hash>/jre-base.tar     Debian userland + JRE 17 + nsenter: the Jib base
#   $TREEWAVE_CACHE/kind/<hash>/.complete        marker: key, versions, build time
#
# Usage: build.sh [--print-dir | --force | --help]
#
#   (no option)   build unless the cache entry is complete; progress goes to stderr, the cache
#                 entry's directory is the only line on stdout
#   --print-dir   print the directory and exit (builds nothing)
#   --force       rebuild even if the cache entry is complete
#
# Environment:
#   TREEWAVE_CACHE    cache root (default: $HOME/.cache/treewave)
#   GO                go command (default: go on PATH, else /usr/local/go/bin/go)
#   DEBIAN_MIRROR     debootstrap mirror (default: http://deb.debian.org/debian)
#
# Needs root (debootstrap), Docker (started with docker.sh when none answers, and stopped again),
# gcc, jq, debootstrap and Debian's containerd (ctr) on the host. Inputs: the Kubernetes version
# and module graph of node/ (kubelet, kubeadm, kube-proxy), the control-plane cache of
# ../../controlplane/build.sh (kube-apiserver, controller-manager, scheduler, kubectl, etcd), kind
# and coredns from the Go module proxy, the node's userland from Debian (debootstrap), and pause
# compiled from the k8s.io/kubernetes module's pause.c. See ../README.md ("offline").
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CP_DIR="$(cd "$HERE/../../controlplane" && pwd)"
PROG="build.sh"
RECIPE_REV=1
KIND_VERSION=v0.30.0
COREDNS_VERSION=v1.11.3
SUITE=bookworm
# The node's userland: what kind's images/base installs, plus ostree (prepare-nodes.sh makes each
# node's scratch sysroot with it) and the Debian containerd/runc/CNI plugins kind would build.
PACKAGES=systemd,systemd-sysv,dbus,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,socat,conntrack,ebtables,ca-certificates,curl,jq,rsync,procps,e2fsprogs,pigz,zstd,containerd,runc,containernetworking-plugins,fuse-overlayfs,ostree,libseccomp2,busybox-static
# The product images' base (jre-base.tar) is the same userland with Debian's JRE; the node drops it.
JRE_PACKAGES=openjdk-17-jre-headless

log() { printf '[kind-offline %5ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "$PROG" "$*" >&2; exit 1; }

mode=build
for arg in "$@"; do
  case "$arg" in
    --print-dir) mode=print ;;
    --force) mode=force ;;
    -h|--help) sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

K8S_VERSION="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$HERE/node/go.mod")"
CP_K8S_VERSION="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$CP_DIR/k8s/go.mod")"
[[ -n "$K8S_VERSION" && "$K8S_VERSION" == "$CP_K8S_VERSION" ]] \
  || die "node/go.mod ($K8S_VERSION) and controlplane/k8s/go.mod ($CP_K8S_VERSION) must name one k8s.io/kubernetes version"

# The key: every input file, the versions and the recipe.
KEY="$(
  {
    echo "recipe=$RECIPE_REV kind=$KIND_VERSION coredns=$COREDNS_VERSION suite=$SUITE packages=$PACKAGES jre=$JRE_PACKAGES"
    cat "$HERE/build.sh" "$HERE/node/go.mod" "$HERE/node/go.sum" "$HERE/cni.yaml" "$HERE/storage.yaml"
    for m in k8s etcd; do cat "$CP_DIR/$m/go.mod" "$CP_DIR/$m/go.sum"; done
  } | sha256sum | cut -c1-16
)"
CACHE_ROOT="${TREEWAVE_CACHE:-${HOME:?neither TREEWAVE_CACHE nor HOME is set}/.cache/treewave}"
KIND_ROOT="$CACHE_ROOT/kind"
DEST="$KIND_ROOT/$KEY"
NODE_IMAGE="treewave.local/kind-node:$KEY"

if [[ "$mode" == print ]]; then printf '%s\n' "$DEST"; exit 0; fi

is_complete() { [[ -f "$DEST/.complete" && -x "$DEST/bin/kind" && -s "$DEST/node-image.tar" && -s "$DEST/jre-base.tar" ]]; }
if [[ "$mode" == build ]] && is_complete; then
  log "cache hit: $DEST"
  printf '%s\n' "$DEST"
  exit 0
fi

[[ "$(id -u)" -eq 0 ]] || die "the offline node image build needs root (debootstrap, chroot)"
for tool in gcc jq debootstrap ctr docker; do
  command -v "$tool" >/dev/null || die "$tool is required (bin/setup installs it)"
done
GO="${GO:-$(command -v go || true)}"; [[ -n "$GO" ]] || GO=/usr/local/go/bin/go
[[ -x "$GO" ]] || die "no go command (set GO=/path/to/go)"

mkdir -p "$KIND_ROOT"
exec 9>"$KIND_ROOT/.lock"
flock 9
if [[ "$mode" == build ]] && is_complete; then log "cache hit after waiting: $DEST"; printf '%s\n' "$DEST"; exit 0; fi

TMP="$(mktemp -d "$KIND_ROOT/.tmp.$KEY.XXXXXX")"; chmod 755 "$TMP"
BUILDER="treewave-kind-build-$KEY-$$"
DOCKER_STARTED=""
cleanup() {
  docker rm -f "$BUILDER" >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [[ "$DOCKER_STARTED" == started ]]; then "$HERE/docker.sh" stop || true; fi
}
trap cleanup EXIT
STEP=setup
trap 'printf "%s: ERROR: failed during: %s; nothing was written to %s\n" "$PROG" "$STEP" "$DEST" >&2' ERR

TIMES=()
step() { STEP="$1"; STEP_T0=$SECONDS; log "start: $1"; }
done_step() { TIMES+=("$(printf '%-28s %5ss' "$STEP" $((SECONDS - STEP_T0)))"); log "done:  $STEP in $((SECONDS - STEP_T0))s"; }
START=$SECONDS
log "building $DEST (Kubernetes $K8S_VERSION, kind $KIND_VERSION)"

# --- Go binaries ------------------------------------------------------------------------------
export CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local
mkdir -p "$TMP/bin" "$TMP/node-bin"
step "control plane (cache)"
CP_BIN="$("$CP_DIR/build.sh")"
done_step

step "kind $KIND_VERSION"
GOFLAGS=-buildvcs=false GOBIN="$TMP/bin" "$GO" install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@$KIND_VERSION"
done_step

step "coredns $COREDNS_VERSION"
GOFLAGS=-buildvcs=false GOBIN="$TMP/node-bin" "$GO" install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION"
done_step

cd "$HERE/node"
export GOFLAGS="-mod=readonly -buildvcs=false"
"$GO" mod download
# Stamped like the control plane's binaries: kubeadm's preflight compares the kubelet's version.
K8S_MINOR="${K8S_VERSION#v1.}"; K8S_MINOR="${K8S_MINOR%%.*}"
K8S_DATE="$("$GO" list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)"
LDFLAGS="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDFLAGS+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$K8S_MINOR"
  LDFLAGS+=" -X $pkg.gitCommit= -X $pkg.gitTreeState=clean -X $pkg.buildDate=${K8S_DATE:-1970-01-01T00:00:00Z}"
done
for b in kubelet kubeadm kube-proxy; do
  step "$b"
  "$GO" build -trimpath -ldflags "$LDFLAGS" -o "$TMP/node-bin/$b" "k8s.io/kubernetes/cmd/$b"
  done_step
done
"$TMP/node-bin/kubelet" --version | grep -qF "$K8S_VERSION" || die "kubelet is not stamped $K8S_VERSION"

step "pause (gcc -static)"
K8S_DIR="$("$GO" list -m -f '{{.Dir}}' k8s.io/kubernetes)"
gcc -Os -static -Wall -Werror -DVERSION=v3.10-treewave -o "$TMP/node-bin/pause" "$K8S_DIR/build/pause/linux/pause.c"
done_step
unset GOFLAGS
cd "$TMP"

# --- the node's userland ----------------------------------------------------------------------
step "debootstrap $SUITE"
# The debootstrapped tree is kept as a stage of its own (keyed by suite and packages), so a change
# to the later steps does not download and install Debian again.
ROOTFS="$TMP/rootfs"
STAGE="$KIND_ROOT/stage/rootfs-$(echo "$SUITE $PACKAGES $JRE_PACKAGES ${DEBIAN_MIRROR:-}" | sha256sum | cut -c1-16).tar"
mkdir -p "$KIND_ROOT/debs" "$KIND_ROOT/stage" "$ROOTFS"
if [[ -s "$STAGE" ]]; then
  log "reusing $STAGE"
  tar -C "$ROOTFS" --numeric-owner -xf "$STAGE"
else
  debootstrap --variant=minbase --cache-dir="$KIND_ROOT/debs" --include="$PACKAGES,$JRE_PACKAGES" \
    "$SUITE" "$ROOTFS" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$TMP/debootstrap.log" 2>&1 \
    || { tail -30 "$TMP/debootstrap.log" >&2; die "debootstrap failed"; }
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  tar -C "$ROOTFS" --numeric-owner -cf "$STAGE.tmp" . && mv "$STAGE.tmp" "$STAGE"
fi
done_step

# --- images for the node's containerd -------------------------------------------------------
step "Docker"
DOCKER_STARTED="$("$HERE/docker.sh" start)"
done_step

# mkimage TAG ENTRYPOINT-JSON DIR : a one-layer image of DIR, saved to $TMP/images/<n>.tar
mkdir -p "$TMP/images"
IMAGES=()
mkimage() {
  local tag="$1" entry="$2" dir="$3"
  tar -C "$dir" --numeric-owner -c . | docker import \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENTRYPOINT $entry" - "$tag" >/dev/null
  IMAGES+=("$tag")
}
onebinary() { # TAG BINARY-PATH DEST-IN-IMAGE ENTRYPOINT-JSON
  local d="$TMP/img.$RANDOM"
  mkdir -p "$d$(dirname "$3")" "$d/tmp" "$d/etc" && chmod 1777 "$d/tmp"
  cp "$2" "$d$3"
  echo "root:x:0:0:root:/:/nonexistent" >"$d/etc/passwd"
  mkimage "$1" "$4" "$d"
  rm -rf "$d"
}
step "images"
onebinary registry.k8s.io/pause:3.10 "$TMP/node-bin/pause" /pause '["/pause"]'
for b in kube-apiserver kube-controller-manager kube-scheduler; do
  onebinary "registry.k8s.io/$b:$K8S_VERSION" "$CP_BIN/$b" "/usr/local/bin/$b" "[\"/usr/local/bin/$b\"]"
done
# kubeadm v1.32 names etcd 3.5.16-0; the image holds the control-plane cache's etcd (3.5.x).
onebinary registry.k8s.io/etcd:3.5.16-0 "$CP_BIN/etcd" /usr/local/bin/etcd '["/usr/local/bin/etcd"]'
onebinary registry.k8s.io/coredns/coredns:v1.11.3 "$TMP/node-bin/coredns" /coredns '["/coredns"]'
# kube-proxy and the CNI stand-in need a userland (iptables, ip, curl, jq): the node's own, slimmed.
USERLAND="$TMP/userland"
mkdir -p "$USERLAND"
tar -C "$ROOTFS" --numeric-owner --exclude=./usr/share/doc --exclude=./usr/share/man \
  --exclude=./usr/share/locale --exclude=./usr/share/info --exclude=./var/cache --exclude=./boot \
  --exclude=./usr/lib/systemd --exclude=./usr/lib/x86_64-linux-gnu/systemd -c . | tar -C "$USERLAND" -x
install -m 0755 "$TMP/node-bin/kube-proxy" "$USERLAND/usr/local/bin/kube-proxy"
mkimage "registry.k8s.io/kube-proxy:$K8S_VERSION" '["/usr/local/bin/kube-proxy"]' "$USERLAND"
docker tag "registry.k8s.io/kube-proxy:$K8S_VERSION" "treewave.local/kind-cni:$KEY"
IMAGES+=("treewave.local/kind-cni:$KEY")
rm -rf "$USERLAND"
# The base of the operator and agent images (Jib: -Dtreewave.image.base=tar://.../jre-base.tar):
# the same layer, so the nodes store it once.
docker tag "registry.k8s.io/kube-proxy:$K8S_VERSION" "treewave.local/jre-base:$KEY"
docker save -o "$TMP/jre-base.tar" "treewave.local/jre-base:$KEY"
docker rmi "treewave.local/jre-base:$KEY" >/dev/null
docker save -o "$TMP/images/all.tar" "${IMAGES[@]}"
done_step

# --- the node image: kind's images/base steps by hand, then what `kind build node-image` does --
step "node rootfs"
rm -rf "$ROOTFS/usr/lib/jvm"
KIND_MOD="$(GOFLAGS=-mod=mod "$GO" mod download -json "sigs.k8s.io/kind@$KIND_VERSION" | jq -r .Dir)"
F="$KIND_MOD/images/base/files"
install -m 0755 "$F"/usr/local/bin/* "$ROOTFS/usr/local/bin/"
mkdir -p "$ROOTFS/kind/bin" "$ROOTFS/kind/manifests" "$ROOTFS/etc/containerd" "$ROOTFS/etc/kubernetes/manifests"
install -m 0755 "$F"/kind/bin/* "$ROOTFS/kind/bin/"
install -m 0644 "$F/etc/crictl.yaml" "$ROOTFS/etc/"
install -m 0644 "$F"/etc/default/* "$ROOTFS/etc/default/"
install -m 0644 "$F"/etc/sysctl.d/* "$ROOTFS/etc/sysctl.d/"
mkdir -p "$ROOTFS/etc/systemd/system/kubelet.service.d"
find "$F/etc/systemd/system" -maxdepth 1 -type f -exec install -m 0644 {} "$ROOTFS/etc/systemd/system/" \;
install -m 0644 "$F"/etc/systemd/system/kubelet.service.d/* "$ROOTFS/etc/systemd/system/kubelet.service.d/"
# Debian's containerd 1.6 reads kind's v2 config. restrict_oom_score_adj: runc cannot lower a
# sandbox's oom_score_adj below the node's where CAP_SYS_RESOURCE is missing (see docker.sh).
sed 's/^\(\s*restrict_oom_score_adj\s*=\s*\).*/\1true/' "$F/etc/containerd/config.toml" >"$ROOTFS/etc/containerd/config.toml"
ctr oci spec | jq '.hooks.createContainer += [{"path": "/kind/bin/mount-product-files.sh"}] | del(.process.rlimits)' \
  >"$ROOTFS/etc/containerd/cri-base.json"
# kind's units expect its own builds in /usr/local: point them at Debian's.
for b in containerd ctr containerd-shim-runc-v2; do ln -sf "/usr/bin/$b" "$ROOTFS/usr/local/bin/$b"; done
mkdir -p "$ROOTFS/usr/local/sbin" "$ROOTFS/opt/cni/bin"
ln -sf /usr/sbin/runc "$ROOTFS/usr/local/sbin/runc"
for p in host-local loopback ptp portmap bridge; do ln -sf "/usr/lib/cni/$p" "$ROOTFS/opt/cni/bin/$p"; done
# systemd in a container, as kind's base image sets it up
find "$ROOTFS/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
rm -f "$ROOTFS"/lib/systemd/system/multi-user.target.wants/* "$ROOTFS"/etc/systemd/system/*.wants/* \
  "$ROOTFS"/lib/systemd/system/local-fs.target.wants/* "$ROOTFS"/lib/systemd/system/sockets.target.wants/*udev* \
  "$ROOTFS"/lib/systemd/system/sockets.target.wants/*initctl* "$ROOTFS"/lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >>"$ROOTFS/etc/systemd/journald.conf"
systemctl --root="$ROOTFS" enable kubelet.service containerd.service undo-mount-hacks.service >/dev/null 2>&1
systemctl --root="$ROOTFS" mask systemd-binfmt.service >/dev/null 2>&1
# what kind build node-image adds
install -m 0755 "$TMP/node-bin/kubelet" "$TMP/node-bin/kubeadm" "$CP_BIN/kubectl" "$ROOTFS/usr/bin/"
printf '%s' "$K8S_VERSION" >"$ROOTFS/kind/version"
sed "s#@CNI_IMAGE@#treewave.local/kind-cni:$KEY#" "$HERE/cni.yaml" >"$ROOTFS/kind/manifests/default-cni.yaml"
install -m 0644 "$HERE/storage.yaml" "$ROOTFS/kind/manifests/default-storage.yaml"
done_step

step "node image"
tar -C "$ROOTFS" --numeric-owner -c . | docker import --change 'ENV container=docker' \
  --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' - "treewave.local/kind-base:$KEY" >/dev/null
rm -rf "$ROOTFS"
# Import the images into the node's containerd, unpacked later by the node (as kind does).
docker run -d --name "$BUILDER" --privileged --entrypoint sleep "treewave.local/kind-base:$KEY" infinity >/dev/null
docker cp "$TMP/images/all.tar" "$BUILDER:/kind/images.tar"
docker exec "$BUILDER" bash -ec '
  containerd >/tmp/containerd.log 2>&1 & cpid=$!
  for i in $(seq 1 100); do ctr version >/dev/null 2>&1 && break; sleep 0.2; done
  ctr -n k8s.io images import --no-unpack --digests /kind/images.tar >/dev/null
  # pinned: the kubelet never garbage-collects them (nothing could pull them again)
  for ref in $(ctr -n k8s.io images ls -q); do ctr -n k8s.io images label "$ref" io.cri-containerd.pinned=pinned >/dev/null; done
  ctr -n k8s.io images ls -q
  rm -f /kind/images.tar
  kill $cpid; wait $cpid || true
  rm -rf /tmp/containerd.log /run/containerd' >&2
docker stop -t 1 "$BUILDER" >/dev/null
docker commit --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' --change 'ENV container=docker' \
  "$BUILDER" "treewave.local/kind-commit:$KEY" >/dev/null
docker rm -f "$BUILDER" >/dev/null
# docker 20.10's import/commit cannot set STOPSIGNAL; systemd as PID 1 shuts down on SIGRTMIN+3.
printf 'FROM treewave.local/kind-commit:%s\nSTOPSIGNAL SIGRTMIN+3\n' "$KEY" \
  | docker build -q -t "$NODE_IMAGE" - >/dev/null
docker save -o "$TMP/node-image.tar" "$NODE_IMAGE"
docker rmi "treewave.local/kind-commit:$KEY" "treewave.local/kind-base:$KEY" "${IMAGES[@]}" >/dev/null 2>&1 || true
done_step

# --- publish ------------------------------------------------------------------------------------
STEP="publishing $DEST"
rm -rf "$TMP/images" "$TMP/node-bin" "$TMP/img."* "$TMP/debootstrap.log"
{
  echo "key=$KEY"
  echo "node_image=$NODE_IMAGE"
  echo "k8s=$K8S_VERSION kind=$KIND_VERSION coredns=$COREDNS_VERSION"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ) seconds=$((SECONDS - START))"
} >"$TMP/.complete"
[[ -e "$DEST" ]] && { mv "$DEST" "$KIND_ROOT/.old.$KEY.$$"; rm -rf "$KIND_ROOT/.old.$KEY.$$"; }
mv "$TMP" "$DEST"
log "build times:"
for t in "${TIMES[@]}"; do log "  $t"; done
log "total: $((SECONDS - START))s; $DEST"
printf '%s\n' "$DEST"
