#!/usr/bin/env bash
# Builds one Go command from the modules locked in go.mod/go.sum of a folder beside this script
# (promtool/, registry/), into a cache outside the repository keyed by the hash of those files, and
# prints the binary's path as the only line on stdout. Concurrent callers wait on a lock; a failed
# build leaves nothing behind.
#     helm/go-tool.sh NAME PACKAGE     e.g.  helm/go-tool.sh promtool github.com/.../cmd/promtool
# NAME is the folder holding go.mod/go.sum, the cache folder and the binary's name.
#
# Environment: TREEWAVE_CACHE (default $HOME/.cache/treewave), GO (default go on PATH, else
# /usr/local/go/bin/go).
set -Eeuo pipefail
NAME="${1:?usage: go-tool.sh NAME PACKAGE}"
PACKAGE="${2:?usage: go-tool.sh NAME PACKAGE}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/$NAME" && pwd)"
# Part of the cache key: bump it when the way of building changes, not only the modules.
RECIPE_REV=1
log() { printf '[%s %5ss] %s\n' "$NAME" "$SECONDS" "$*" >&2; }
die() { printf '%s/build.sh: ERROR: %s\n' "$NAME" "$*" >&2; exit 1; }

KEY="$({ echo "recipe=$RECIPE_REV"; cat "$HERE/go.mod" "$HERE/go.sum"; } | sha256sum | cut -c1-16)"
CACHE_ROOT="${TREEWAVE_CACHE:-${HOME:?neither TREEWAVE_CACHE nor HOME is set}/.cache/treewave}"
DEST="$CACHE_ROOT/$NAME/$KEY"
BIN="$DEST/$NAME"

if [[ -x "$BIN" ]]; then
  printf '%s\n' "$BIN"
  exit 0
fi

GO="${GO:-$(command -v go || true)}"
[[ -n "$GO" ]] || GO=/usr/local/go/bin/go
[[ -x "$GO" ]] || die "no go command found (set GO=/path/to/go or put go on PATH)"

mkdir -p "$CACHE_ROOT/$NAME"
exec 9>"$CACHE_ROOT/$NAME/.lock"
flock 9
if [[ -x "$BIN" ]]; then
  printf '%s\n' "$BIN"
  exit 0
fi

TMP="$(mktemp -d "$CACHE_ROOT/$NAME/.tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
log "building $NAME $KEY with $("$GO" env GOVERSION) into $DEST"
cd "$HERE"
CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" \
  "$GO" build -trimpath -ldflags "-s -w" -o "$TMP/$NAME" "$PACKAGE"
"$TMP/$NAME" --version >/dev/null 2>&1 || die "the built $NAME does not run"
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
log "done in ${SECONDS}s: $BIN"
printf '%s\n' "$BIN"
