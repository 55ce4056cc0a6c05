#!/usr/bin/env bash
# Builds a small JRE base image as a "docker save" tarball, for machines that reach no container
# registry (like this project's CI). Jib takes it as -Djib.from.image=tar://<file>.
#
# The image holds a jlink'ed Java runtime made from this machine's JDK, the shared libraries that
# runtime and nsenter need (copied from this machine), nsenter itself (the agent's reboot path),
# and /etc/passwd with a nonroot user 65532. It is for tests: users build on a published JRE
# image instead (see helm/README.md, "Images").
#
# Usage: local-base.sh OUTPUT.tar
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/base-archive.sh"
out="${1:?usage: local-base.sh OUTPUT.tar}"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{etc,tmp,bin,proc,opt/java} && chmod 1777 "$root/tmp"

# Modules the operator and agent use (fabric8/JOSDK/Micrometer/Bouncy Castle), plus
# jdk.crypto.ec for TLS to the API server and jdk.zipfs/jdk.management for the JVM's own needs.
"$java_home/bin/jlink" --output "$root/opt/java/openjdk" --strip-debug --no-header-files \
  --no-man-pages --compress=2 \
  --add-modules java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.desktop,jdk.crypto.ec,jdk.unsupported,jdk.zipfs,jdk.management,jdk.httpserver,java.security.jgss,jdk.crypto.cryptoki

copy_with_libs() {
  local file="$1"
  mkdir -p "$root$(dirname "$file")"
  cp -L "$file" "$root$file"
  ldd "$file" 2>/dev/null | awk '/=>/ && $3 ~ /^\// {print $3} /^\t\/[^ ]+ \(/ {print $1}' |
    while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"
      [ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
    done
}
# Shared libraries of the runtime's launchers and native libraries, from this machine.
for f in $(find "$root/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \)); do
  ldd "$f" 2>/dev/null | awk '/=>/ && $3 ~ /^\// {print $3} /^\t\/[^ ]+ \(/ {print $1}' |
    while read -r lib; do
      case "$lib" in "$root"/*) continue ;; esac # found through $ORIGIN: already in the image
      mkdir -p "$root$(dirname "$lib")"; [ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
    done
done
copy_with_libs "$(command -v nsenter)"
ln -sf /opt/java/openjdk/bin/java "$root/bin/java"
add_users "$root"

diff_id="$(write_base_archive "$root" amd64 "treewave-local-base:latest" "$out")"
echo "$out: $(du -h "$out" | cut -f1), base layer $diff_id" >&2
