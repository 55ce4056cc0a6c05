#!/usr/bin/env bash
# Builds both images with Jib (jib:buildTar, no Docker daemon) on a locally made JRE base, then
# starts each image's entrypoint from its unpacked layers and checks what the program says.
# Needs root (run-image.sh). Usage: helm/images/check-images.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
base="$repo/helm/target/images/local-base.tar"
"$here/local-base.sh" "$base"
cd "$repo"
./mvnw -B -q -Pimages -pl operator,node-agent -am package -DskipTests -Djib.from.image="tar://$base"

fail=0
check() { # image, expected text, args...
  local image="$1" want="$2"; shift 2
  local out
  out="$("$here/run-image.sh" "$image" "$@" 2>&1 || true)"
  if grep -qF -- "$want" <<<"$out"; then
    echo "ok   $(basename "$(dirname "$(dirname "$image")")"): '$want'"
  else
    echo "FAIL $(basename "$(dirname "$(dirname "$image")")"): wanted '$want', got:"; sed 's/^/     /' <<<"$out"; fail=1
  fi
}
check operator/target/jib-image.tar "Usage: treewave-operator" --help
# Without NODE_NAME the agent must refuse to start, naming the setting: proves its main runs.
check node-agent/target/jib-image.tar "NODE_NAME"
ls -l operator/target/jib-image.tar node-agent/target/jib-image.tar
exit "$fail"
