#!/usr/bin/env bash
# Builds (once) the "real Node" variant of build-os.sh's Debian tree: the same tree plus Debian's
# containerd, runc and containernetworking-plugins and the kubelet built from the k8s.io/kubernetes
# module of ../kind/offline/node (the version of the test kube-apiserver), configured to join a
# control plane that a test names in an overlay (/etc/kubernetes/kubelet.kubeconfig and
# kubelet.env). The default tree and the tests that use it are untouched.
#
# Cached outside the repository, keyed by this script, the base tree's key and the kubelet's
# go.mod/go.sum: $TREEWAVE_CACHE/vm-os-kubelet/<hash>/tree (default cache: $HOME/.cache/treewave).
# Needs root, Go (GO, else go on PATH, else /usr/local/go/bin/go; the module cache warm from the
# offline Kind build makes the kubelet a link of a few seconds) and apt-get download for the
# three .debs. Progress goes to stderr; the tree's path is the only line on stdout.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node_mod="$(cd "$here/../kind/offline/node" && pwd)"
say() { printf '[vm-os-kubelet %4ss] %s\n' "$SECONDS" "$*" >&2; }

# Installed with dpkg-deb -x: the base tree no longer has a dpkg database (OSTree layout). Their
# dependencies (libseccomp2, mount, util-linux) are in the base tree already.
debs=(containerd runc containernetworking-plugins)

base="$("$here/build-os.sh")"
key="$(
  {
    cat "${BASH_SOURCE[0]}" "$node_mod/go.mod" "$node_mod/go.sum"
    echo "base=$(basename "$(dirname "$base")")"
  } | sha256sum | cut -c1-16
)"
cache="${TREEWAVE_CACHE:-$HOME/.cache/treewave}/vm-os-kubelet"
dest="$cache/$key/tree"
if [ -f "$cache/$key/.complete" ]; then echo "$dest"; exit 0; fi
[ "$(id -u)" -eq 0 ] || { echo "build-kubelet-os.sh: needs root" >&2; exit 1; }
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"

work="$cache/$key/tree.tmp"
stage="$cache/$key/stage"
rm -rf "$work" "$stage"
mkdir -p "$stage/debs" "$stage/root"
say "copy of the base tree $base"
cp -a "$base" "$work"

say "kubelet from $node_mod"
k8s_version="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$node_mod/go.mod")"
(
  cd "$node_mod"
  export CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false"
  # Stamped as ../kind/offline/build.sh stamps it, so the Node reports the same version.
  minor="${k8s_version#v1.}"; minor="${minor%%.*}"
  date="$("$GO" list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitCommit= -X $pkg.gitTreeState=clean -X $pkg.buildDate=${date:-1970-01-01T00:00:00Z}"
  done
  "$GO" build -trimpath -ldflags "$ldflags" -o "$stage/kubelet" k8s.io/kubernetes/cmd/kubelet
)
"$stage/kubelet" --version | grep -qF "$k8s_version" || { echo "kubelet is not $k8s_version" >&2; exit 1; }
install -m 0755 "$stage/kubelet" "$work/usr/local/bin/kubelet"

say "${debs[*]} (apt-get download, dpkg-deb -x)"
(cd "$stage/debs" && apt-get download -q "${debs[@]}" >&2)
for d in "$stage"/debs/*.deb; do dpkg-deb -x "$d" "$stage/root"; done
# The tree is /usr-merged and in OSTree layout: /lib, /bin, /sbin go under /usr, /etc to /usr/etc.
for top in lib bin sbin; do
  if [ -d "$stage/root/$top" ]; then cp -a "$stage/root/$top/." "$work/usr/$top/"; fi
done
cp -a "$stage/root/usr/." "$work/usr/"
if [ -d "$stage/root/etc" ]; then cp -a "$stage/root/etc/." "$work/usr/etc/"; fi
rm -rf "$work"/usr/share/doc/* "$work"/usr/share/man/*

# containerd: CRI with cgroupfs (no D-Bus in the tree), the CNI plugins where Debian puts them.
# A runtime table without runtime_type makes every sandbox fail ("container.Runtime.Name must be
# set"). The sandbox image is not pulled: VmKubeletE2E's pod variant imports a local one.
mkdir -p "$work/usr/etc/containerd" "$work/usr/etc/cni/net.d" "$work/usr/etc/kubernetes"
cat >"$work/usr/etc/containerd/config.toml" <<'TOML'
version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
TOML
# A bridge network for pods: with a loaded CNI config the runtime reports NetworkReady, which
# the kubelet needs to call the Node Ready.
cat >"$work/usr/etc/cni/net.d/10-treewave.conflist" <<'CNI'
{
  "cniVersion": "0.4.0",
  "name": "treewave",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.0.0/24"}]]}},
    {"type": "loopback"}
  ]
}
CNI
# No pods need the API server's view of the kubelet (it cannot reach the guest): no webhook
# authentication, no serving certificate from the cluster; small eviction thresholds for the
# test's small disk.
cat >"$work/usr/etc/kubernetes/kubelet.yaml" <<'YAML'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
failSwapOn: false
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
resolvConf: ""
registerNode: true
nodeStatusUpdateFrequency: 10s
evictionHard: {memory.available: "20Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
YAML
cat >"$work/usr/etc/systemd/system/treewave-kubelet.service" <<'UNIT'
[Unit]
Description=kubelet (joins the test's control plane through qemu's guestfwd)
After=containerd.service treewave-net.service
Wants=containerd.service treewave-net.service
# The test's overlay provides the credentials and the node's name and labels.
ConditionPathExists=/etc/kubernetes/kubelet.kubeconfig
[Service]
EnvironmentFile=/etc/kubernetes/kubelet.env
ExecStartPre=/bin/sh -c 'echo "TREEWAVE-PROOF kubelet starting: $(/usr/local/bin/kubelet --version)" >/dev/ttyS0'
ExecStart=/usr/local/bin/kubelet --config=/etc/kubernetes/kubelet.yaml \
  --kubeconfig=/etc/kubernetes/kubelet.kubeconfig --hostname-override=${NODE_NAME} \
  --node-ip=10.0.2.15 --node-labels=${NODE_LABELS} --v=0
Restart=always
RestartSec=2
# Its log on the serial console: a test's output then shows why a Node is not Ready.
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/treewave-kubelet.service \
  "$work/usr/etc/systemd/system/multi-user.target.wants/treewave-kubelet.service"
# Debian's containerd unit is enabled by its postinst, which dpkg-deb -x does not run.
ln -sf /usr/lib/systemd/system/containerd.service \
  "$work/usr/etc/systemd/system/multi-user.target.wants/containerd.service"
# containerd's overlayfs snapshotter, and the bridge CNI plugin's modules.
mkdir -p "$work/usr/etc/modules-load.d"
printf 'overlay\nbridge\nveth\n' >"$work/usr/etc/modules-load.d/treewave-kubelet.conf"
find "$work" \( -type b -o -type c -o -type p -o -type s \) -delete

rm -rf "$dest" "$stage" && mv "$work" "$dest"
echo "$(cat "$(dirname "$base")/kver")" >"$cache/$key/kver"
touch "$cache/$key/.complete"
say "done: $(du -sh "$dest" | cut -f1) in $dest"
echo "$dest"
