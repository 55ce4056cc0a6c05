#!/usr/bin/env bash
# Builds the Kubernetes control-plane binaries used by treewave's tests
# (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd, kwok)
# from Go modules, into a version-keyed cache outside the repository.
#
# Usage: build.sh [--print-bin-dir | --force | --help]
#
#   (no option)       build unless the cache entry is complete; progress goes
#                     to stderr, the bin dir is the only line on stdout:
#                         BIN=$(e2e-kind/controlplane/build.sh)
#   --print-bin-dir   print the bin dir path and exit (builds nothing; the
#                     dir may not exist yet: check for ../.complete)
#   --force           rebuild even if the cache entry is complete
#
# Environment:
#   TREEWAVE_CACHE    cache root (default: $HOME/.cache/treewave)
#   GO                go command (default: go on PATH, else /usr/local/go/bin/go)
#
# Versions come from the committed wrapper modules next to this script
# (k8s/, etcd/, kwok/); their go.mod/go.sum are used with -mod=readonly, so
# nothing is resolved at build time beyond downloading the locked modules.
# See README.md.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG="build.sh"

# Bump when the build recipe (flags, binary set, checks) changes; it is part
# of the fingerprint stored in the .complete marker, so old entries rebuild.
RECIPE_REV=1

log() { printf '[controlplane %5ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "$PROG" "$*" >&2; exit 1; }

mode=build
for arg in "$@"; do
  case "$arg" in
    --print-bin-dir) mode=print ;;
    --force) mode=force ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

# --- versions, read from the committed go.mod files -------------------------
# Prints the version of a required module ("require M vX" or "M vX" inside a
# require block; replace lines are skipped).
modver() {
  awk -v m="$2" '
    $1 == "require" && $2 == m { print $3; found = 1; exit }
    $1 == m && $2 ~ /^v/       { print $2; found = 1; exit }
    END { if (!found) exit 1 }' "$HERE/$1/go.mod" \
    || die "cannot find the version of $2 in $HERE/$1/go.mod"
}

K8S_VERSION="$(modver k8s k8s.io/kubernetes)"          # e.g. v1.32.5
ETCD_VERSION="$(modver etcd go.etcd.io/etcd/server/v3)"  # e.g. v3.5.35
KWOK_VERSION="$(modver kwok sigs.k8s.io/kwok)"           # e.g. v0.7.0

KEY="${K8S_VERSION}-etcd${ETCD_VERSION#v}-kwok${KWOK_VERSION#v}"
CACHE_ROOT="${TREEWAVE_CACHE:-${HOME:?neither TREEWAVE_CACHE nor HOME is set}/.cache/treewave}"
CP_ROOT="$CACHE_ROOT/controlplane"
DEST="$CP_ROOT/$KEY"
BIN_DIR="$DEST/bin"
MARKER="$DEST/.complete"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)

if [[ "$mode" == print ]]; then
  printf '%s\n' "$BIN_DIR"
  exit 0
fi

# Fingerprint of everything that determines the build output.
fingerprint() {
  {
    echo "recipe=$RECIPE_REV key=$KEY"
    for m in k8s etcd kwok; do
      cat "$HERE/$m/go.mod" "$HERE/$m/go.sum"
    done
  } | sha256sum | cut -d' ' -f1
}
FINGERPRINT="$(fingerprint)"

is_complete() {
  [[ -f "$MARKER" ]] || return 1
  grep -qx "fingerprint=$FINGERPRINT" "$MARKER" || return 1
  local b
  for b in "${BINARIES[@]}"; do [[ -x "$BIN_DIR/$b" ]] || return 1; done
}

if [[ "$mode" == build ]] && is_complete; then
  log "cache hit: $KEY is complete ($MARKER); skipping build"
  printf '%s\n' "$BIN_DIR"
  exit 0
fi

# --- toolchain ---------------------------------------------------------------
GO="${GO:-$(command -v go || true)}"
[[ -n "$GO" ]] || GO=/usr/local/go/bin/go
[[ -x "$GO" ]] || die "no go command found (set GO=/path/to/go or put go on PATH); Go >= 1.26 is needed"
"$GO" version >/dev/null 2>&1 || die "$GO does not run"

export CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local
export GOFLAGS="-mod=readonly -buildvcs=false"
GOOS="$("$GO" env GOHOSTOS)"; GOARCH="$("$GO" env GOHOSTARCH)"
export GOOS GOARCH
GO_VERSION="$("$GO" env GOVERSION)"

# One Kubernetes minor everywhere: every k8s.io/* replace must point at
# v0.<minor>.<patch> of K8S_VERSION.
STAGING_VERSION="v0.${K8S_VERSION#v1.}"
bad_replaces="$(awk -v want="$STAGING_VERSION" '
  $1 ~ /^k8s\.io\// && $2 == "=>" && $4 != want { print $1 " => " $3 " " $4 }' "$HERE/k8s/go.mod")"
[[ -z "$bad_replaces" ]] || die "k8s/go.mod: replaces not at $STAGING_VERSION (K8S_VERSION $K8S_VERSION):
$bad_replaces"

mkdir -p "$CP_ROOT"

# Serialise concurrent builds of the cache (e.g. two test runs at once).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CP_ROOT/.lock"
  if ! flock -n 9; then
    log "another build holds $CP_ROOT/.lock; waiting for it"
    flock 9
  fi
  if [[ "$mode" == build ]] && is_complete; then
    log "cache hit after waiting: $KEY is complete; skipping build"
    printf '%s\n' "$BIN_DIR"
    exit 0
  fi
fi

TMP="$(mktemp -d "$CP_ROOT/.tmp.$KEY.XXXXXX")"
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
trap 'die "interrupted"' INT TERM
chmod 755 "$TMP"; mkdir -p "$TMP/bin"

CURRENT_STEP="setup"
trap 'rc=$?; printf "%s: ERROR: failed during: %s (exit %s); see the output above. Nothing was written to %s\n" "$PROG" "$CURRENT_STEP" "$rc" "$DEST" >&2' ERR

TIMES=()
have_time=false
[[ -x /usr/bin/time ]] && have_time=true

# run_timed NAME CMD... : runs CMD in the current dir, logs elapsed seconds
# (and the peak RSS of the largest child process when /usr/bin/time exists).
run_timed() {
  local name="$1"; shift
  CURRENT_STEP="$name"
  local t0=$SECONDS rss=""
  log "start: $name"
  if $have_time; then
    /usr/bin/time -f '%M' -o "$TMP/.rss" "$@"
    rss="$(tail -1 "$TMP/.rss")"
    rss=", peak RSS $(( rss / 1024 )) MiB"
  else
    "$@"
  fi
  local dt=$(( SECONDS - t0 ))
  log "done:  $name in ${dt}s$rss"
  TIMES+=("$(printf '%-26s %5ss%s' "$name" "$dt" "$rss")")
}

log "building $KEY with $GO_VERSION ($GOOS/$GOARCH) into $DEST"
log "  (cold: about 15 min on 2 cores; with a warm Go build cache about 2 min; see README.md)"
START=$SECONDS

# --- etcd ----------------------------------------------------------------------
cd "$HERE/etcd"
run_timed "download etcd modules" "$GO" mod download
run_timed "etcd" "$GO" build -trimpath -ldflags "-s -w" -o "$TMP/bin/etcd" .

# --- kwok ----------------------------------------------------------------------
cd "$HERE/kwok"
run_timed "download kwok modules" "$GO" mod download
run_timed "kwok" "$GO" build -trimpath -ldflags "-s -w" -o "$TMP/bin/kwok" sigs.k8s.io/kwok/cmd/kwok

# --- Kubernetes ------------------------------------------------------------------
cd "$HERE/k8s"
run_timed "download k8s modules" "$GO" mod download
# Stamp the version so /version and --version report the real release (an
# unstamped build says v0.0.0-master+$Format:%H$). The build date is the
# release's module timestamp, which keeps the build reproducible.
K8S_MINOR="${K8S_VERSION#v1.}"; K8S_MINOR="${K8S_MINOR%%.*}"
K8S_DATE="$("$GO" list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)"
[[ -n "$K8S_DATE" ]] || K8S_DATE="1970-01-01T00:00:00Z"
K8S_LDFLAGS="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  K8S_LDFLAGS+=" -X $pkg.gitVersion=$K8S_VERSION"
  K8S_LDFLAGS+=" -X $pkg.gitMajor=1 -X $pkg.gitMinor=$K8S_MINOR"
  K8S_LDFLAGS+=" -X $pkg.gitCommit= -X $pkg.gitTreeState=clean"
  K8S_LDFLAGS+=" -X $pkg.buildDate=$K8S_DATE"
done
for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  run_timed "$b" "$GO" build -trimpath -ldflags "$K8S_LDFLAGS" -o "$TMP/bin/$b" "k8s.io/kubernetes/cmd/$b"
done

# --- checks ----------------------------------------------------------------------
CURRENT_STEP="version checks"
check_version() {
  local b="$1" want="$2"; shift 2
  local out
  out="$("$TMP/bin/$b" "$@" 2>&1)" || die "$b $* failed: $out"
  grep -qF -- "$want" <<<"$out" || die "$b $* printed '$out', expected it to contain '$want'"
  log "check: $b $* -> $(head -1 <<<"$out")"
}
for b in kube-apiserver kube-controller-manager kube-scheduler; do
  check_version "$b" "Kubernetes $K8S_VERSION" --version
done
check_version kubectl "Client Version: $K8S_VERSION" version --client
check_version etcd "etcd Version: ${ETCD_VERSION#v}" --version
check_version kwok "$KWOK_VERSION" --version

# --- publish atomically -------------------------------------------------------------
CURRENT_STEP="publishing $DEST"
rm -f "$TMP/.rss"
{
  echo "fingerprint=$FINGERPRINT"
  echo "key=$KEY"
  echo "k8s=$K8S_VERSION etcd=$ETCD_VERSION kwok=$KWOK_VERSION"
  echo "go=$GO_VERSION $GOOS/$GOARCH"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ) seconds=$(( SECONDS - START ))"
} > "$TMP/.complete"
if [[ -e "$DEST" ]]; then
  # stale or incomplete entry (or --force): move it aside, then drop it
  old="$CP_ROOT/.old.$KEY.$$"
  mv "$DEST" "$old"
  rm -rf "$old"
fi
mv "$TMP" "$DEST"          # rename(2): the entry appears complete or not at all
trap - EXIT

log "build times:"
for t in "${TIMES[@]}"; do log "  $t"; done
log "total: $(( SECONDS - START ))s; binaries in $BIN_DIR"
printf '%s\n' "$BIN_DIR"
