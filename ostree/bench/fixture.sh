#!/usr/bin/env bash
# Builds (once) the big realistic tree used by the ostree benchmark and the big-tree IT:
# a Debian bookworm minbase made with debootstrap, cached outside the repository. If the
# Debian mirror cannot be reached, falls back to a generated tree of >= 20,000 files with a
# size distribution like an OS image (many small files, a tail of large ones).
# Prints the path of the tree on stdout.
set -euo pipefail
cache="${TREEWAVE_CACHE:-$HOME/.cache/treewave}/fixtures"
dest="$cache/debian-minbase"
gen="$cache/generated-tree"
mkdir -p "$cache"
say() { printf '[fixture] %s\n' "$*" >&2; }

if [ -f "$dest/.complete" ]; then echo "$dest"; exit 0; fi
if [ -f "$gen/.complete" ] && [ -z "${TREEWAVE_FIXTURE_RETRY_DEBOOTSTRAP:-}" ]; then echo "$gen"; exit 0; fi

mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
mirror="${mirror:-http://deb.debian.org/debian}"
if [ "$(id -u)" -eq 0 ] && command -v debootstrap >/dev/null; then
  say "debootstrap --variant=minbase bookworm from $mirror (a few minutes, once)"
  rm -rf "$dest.tmp"
  if debootstrap --variant=minbase bookworm "$dest.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1; then
    # Device nodes and sockets are not OSTree content; OS image builders drop them too.
    find "$dest.tmp" \( -type b -o -type c -o -type p -o -type s \) -delete
    rm -rf "$dest" && mv "$dest.tmp" "$dest" && touch "$dest/.complete"
    echo "$dest"; exit 0
  fi
  say "debootstrap failed (see $cache/debootstrap.log); generating a synthetic tree instead"
fi

say "generating a synthetic tree of 22,000 files"
rm -rf "$gen.tmp"
python3 - "$gen.tmp" <<'PY'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(42)
def size():
    r = rnd.random()
    if r < 0.45: return rnd.randint(0, 1024)
    if r < 0.80: return rnd.randint(1024, 8192)
    if r < 0.97: return rnd.randint(8192, 65536)
    return rnd.randint(65536, 2 * 1024 * 1024)
words = [bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))) for _ in range(3000)]
for i in range(22000):
    d = os.path.join(root, "usr", "d%03d" % (i % 700), "s%d" % (i % 7))
    os.makedirs(d, exist_ok=True)
    n = size()
    if i % 3 == 0:
        data = os.urandom(n)  # binaries: incompressible
    else:
        out = bytearray()
        while len(out) < n: out += rnd.choice(words) + b" "
        data = bytes(out[:n])
    p = os.path.join(d, "f%05d" % i)
    with open(p, "wb") as f: f.write(data)
    os.chmod(p, 0o755 if i % 5 == 0 else 0o644)
    if i % 50 == 0: os.symlink("f%05d" % i, os.path.join(d, "l%05d" % i))
os.makedirs(os.path.join(root, "var", "empty"), exist_ok=True)
PY
rm -rf "$gen" && mv "$gen.tmp" "$gen" && touch "$gen/.complete"
echo "$gen"
