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
SYSROOT=/var/lib/treewave-kind/host
KCTX="kind-$CLUSTER"

say() { printf '\033[1m[kind]\033[0m %s\n' "$*"; }
die() { printf '[kind] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required: $2"; }
kc() { kubectl --context "$KCTX" "$@"; }
nodes() { kind get nodes --name "$CLUSTER"; }
