#!/usr/bin/env bash
# Run by repo.sh, on this machine or inside the builder container: a tiny OS tree, committed twice and GPG-signed.
set -euo pipefail
out="$1"
if ! command -v ostree >/dev/null || ! command -v gpg >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ostree gnupg >/dev/null
fi
export GNUPGHOME="$(mktemp -d)"
# On the host (repo.sh's usual path) nothing may outlive the script: gpg-agent, the key, the trees.
trees=()
cleanup() {
  gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || true
  rm -rf "$GNUPGHOME" "${trees[@]}"
}
trap cleanup EXIT
gpg --batch --passphrase '' --quick-gen-key 'treewave demo <demo@treewave.invalid>' ed25519 sign never
key="$(gpg --list-keys --with-colons | awk -F: '/^pub/ {print $5; exit}')"
gpg --armor --export "$key" > "$out/demo.asc"
repo="$out/repo"
ostree init --repo="$repo" --mode=archive
for v in 1 2; do
  tree="$(mktemp -d)"
  trees+=("$tree")
  mkdir -p "$tree"/usr/{bin,etc,lib/modules/6.1.0-demo}
  printf "treewave-demo\n" > "$tree/usr/etc/hostname"
  printf 'NAME=treewave-demo\nID=treewave-demo\nPRETTY_NAME="treewave demo v%s"\nVERSION_ID=%s\n' "$v" "$v" > "$tree/usr/lib/os-release"
  printf 'demo kernel %s\n' "$v" > "$tree/usr/lib/modules/6.1.0-demo/vmlinuz"
  printf 'demo initramfs %s\n' "$v" > "$tree/usr/lib/modules/6.1.0-demo/initramfs.img"
  printf 'hello from v%s\n' "$v" > "$tree/usr/bin/treewave-demo"
  ostree commit --repo="$repo" --branch=treewave/demo/x86_64 --subject="demo v$v" \
    --add-metadata-string=version="$v.0" --gpg-sign="$key" --gpg-homedir="$GNUPGHOME" "$tree" \
    > "$out/v$v.commit"
done
ostree summary --repo="$repo" --update --gpg-sign="$key" --gpg-homedir="$GNUPGHOME"
chmod -R a+rX "$out"
