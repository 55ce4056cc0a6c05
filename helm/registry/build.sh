#!/usr/bin/env bash
# Builds the OCI distribution registry (github.com/distribution/distribution/v3/cmd/registry, the
# reference implementation of the OCI distribution spec) from the Go modules locked in
# go.mod/go.sum next to this script, into a cache outside the repository keyed by the hash of
# those files, and prints the binary's path as the only line on stdout:
#     REGISTRY=$(helm/registry/build.sh)
# ImagesPushIT pushes bin/build-images' images to it. Cold: a few minutes on 2 cores.
#
# Environment: TREEWAVE_CACHE (default $HOME/.cache/treewave), GO (default go on PATH, else
# /usr/local/go/bin/go).
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RECIPE_REV=1
log() { printf '[registry %5ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'registry/build.sh: ERROR: %s\n' "$*" >&2; exit 1; }

KEY="$({ echo "recipe=$RECIPE_REV"; cat "$HERE/go.mod" "$HERE/go.sum"; } | sha256sum | cut -c1-16)"
CACHE_ROOT="${TREEWAVE_CACHE:-${HOME:?neither TREEWAVE_CACHE nor HOME is set}/.cache/treewave}"
DEST="$CACHE_ROOT/registry/$KEY"
BIN="$DEST/registry"

if [[ -x "$BIN" ]]; then
  printf '%s\n' "$BIN"
  exit 0
fi

GO="${GO:-$(command -v go || true)}"
[[ -n "$GO" ]] || GO=/usr/local/go/bin/go
[[ -x "$GO" ]] || die "no go command found (set GO=/path/to/go or put go on PATH)"

mkdir -p "$CACHE_ROOT/registry"
exec 9>"$CACHE_ROOT/registry/.lock"
flock 9
if [[ -x "$BIN" ]]; then
  printf '%s\n' "$BIN"
  exit 0
fi

TMP="$(mktemp -d "$CACHE_ROOT/registry/.tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
log "building registry $KEY with $("$GO" env GOVERSION) into $DEST"
cd "$HERE"
CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" \
  "$GO" build -trimpath -ldflags "-s -w" -o "$TMP/registry" \
  github.com/distribution/distribution/v3/cmd/registry
"$TMP/registry" --version >/dev/null 2>&1 || die "the built registry does not run"
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
log "done in ${SECONDS}s: $BIN"
printf '%s\n' "$BIN"
