# Shared by the kind/*.sh scripts (sourced, not run).
set -euo pipefail
KIND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$KIND_DIR/../.." && pwd)"
CLUSTER="${TREEWAVE_KIND_CLUSTER:-treewave}"
NS="${TREEWAVE_NAMESPACE:-treewave-system}"
WORK="${TREEWAVE_KIND_WORK:-$REPO_ROOT/e2e-kind/target/kind}"
# The JRE base for the images; any image with a Java 17+ runtime on PATH and nsenter works.
BASE_IMAGE="${TREEWAVE_BASE_IMAGE:-eclipse-temurin:17-jre}"
# Where the demo builds the OSTree repository (a throwaway container: needs no ostree here).
BUILDER_IMAGE="${TREEWAVE_BUILDER_IMAGE:-debian:bookworm}"
# What serves the demo repository on the official path (repo.sh uses a local image offline).
SERVER_IMAGE="${TREEWAVE_SERVER_IMAGE:-busybox:1.36}"
SYSROOT=/var/lib/treewave-kind/host
KCTX="kind-$CLUSTER"

say() { printf '\033[1m[kind]\033[0m %s\n' "$*"; }
die() { printf '[kind] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required: $2"; }
# up.sh writes the kubeconfig there when it is set (KindCluster does): every script reads it.
if [ -n "${TREEWAVE_KUBECONFIG:-}" ]; then export KUBECONFIG="$TREEWAVE_KUBECONFIG"; fi
kc() { kubectl --context "$KCTX" "$@"; }
nodes() { kind get nodes --name "$CLUSTER"; }

# Offline mode (offline/README in ../README.md): TREEWAVE_KIND_OFFLINE=1 always builds and uses the
# local node image and kind CLI (offline/build.sh); 0 uses the official image and kind from PATH;
# auto (default) uses the official path when kind is on PATH and its node image can be pulled.
OFFLINE_MODE="${TREEWAVE_KIND_OFFLINE:-auto}"
# The official node image of the Kubernetes version the offline image is built for.
OFFICIAL_NODE_IMAGE="${TREEWAVE_KIND_NODE_IMAGE:-kindest/node:v1.32.5}"
OFFLINE_DIR_FILE="$WORK/offline-dir"
# Once up.sh chose offline, the other scripts use the same kind CLI and base image.
if [ -s "$OFFLINE_DIR_FILE" ]; then
  OFFLINE_DIR="$(cat "$OFFLINE_DIR_FILE")"
  PATH="$OFFLINE_DIR/bin:$PATH"
  BASE_IMAGE="${TREEWAVE_BASE_IMAGE:-tar://$OFFLINE_DIR/jre-base.tar}"
fi
