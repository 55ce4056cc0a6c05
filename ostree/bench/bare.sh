#!/usr/bin/env bash
# Benchmark: a bare repository (the node's system repository: real owners and xattrs of every
# namespace on the objects), treewave-ostree against the real ostree on the same tree, in the same
# run. Times (wall, and CPU = user+sys) for: commit into bare, checkout from bare (hard links, as
# root) and fsck of the bare repository. With BEFORE=<another treewave-ostree launcher> (a build of
# an older commit) that one is measured in the same rounds as well, for a before/after comparison.
# Each measurement alternates the tools and repeats RUNS times; medians and ratios to ostree.
# Usage: ostree/bench/bare.sh [TREE]   (default: the cached Debian minbase fixture); needs root.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tree="${1:-$("$root/ostree/bench/fixture.sh")}"
runs="${RUNS:-3}"
ours="${TREEWAVE_OSTREE:-$root/bin/treewave-ostree}"
before="${BEFORE:-}"
work="$(mktemp -d "${TMPDIR:-/tmp}/treewave-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "error: a bare repository needs root" >&2; exit 1; }
"$ours" --version >/dev/null
command -v ostree >/dev/null || { echo "error: ostree is not installed" >&2; exit 1; }
tools=(ostree ours); [ -n "$before" ] && tools+=(before)

time_cmd() { # NAME TOOL CMD... : appends "wall cpu" to $work/NAME.TOOL (see run.sh for the sync)
  local name="$1" tool="$2"; shift 2
  sync
  /usr/bin/time -o "$work/t" -f "%e %U %S" "$@" >/dev/null
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/t" >> "$work/$name.$tool"
}
warm() { find "$tree" -type f -print0 | xargs -0 cat >/dev/null 2>&1 || true; }

entries=$(find "$tree" | wc -l)
echo "tree: $tree ($entries entries); runs: $runs; tools: ${tools[*]}; cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for i in $(seq 1 "$runs"); do
  for tool in "${tools[@]}"; do
    case $tool in ostree) cli=(ostree);; ours) cli=("$ours");; before) cli=("$before");; esac
    r="$work/$tool-$i"
    mkdir -p "$r"
    "${cli[@]}" init --repo="$r/bare" --mode=bare
    warm
    time_cmd bare-commit "$tool" "${cli[@]}" commit --repo="$r/bare" -b bench --tree=dir="$tree" --timestamp=2020-01-01 -s bench
    time_cmd bare-checkout "$tool" "${cli[@]}" checkout --repo="$r/bare" bench "$r/co"
    time_cmd bare-fsck "$tool" "${cli[@]}" fsck --repo="$r/bare"
    ostree rev-parse --repo="$r/bare" bench > "$work/id.$tool.$i"
    # kept until the end, as in run.sh (freed inodes are slow to reuse on this disk)
  done
  for tool in "${tools[@]}"; do
    cmp -s "$work/id.ostree.$i" "$work/id.$tool.$i" || { echo "error: commit checksums differ ($tool)" >&2; exit 1; }
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
head="| measurement | ostree wall (s) | treewave wall (s) | ratio | ostree CPU (s) | treewave CPU (s) |"
[ -n "$before" ] && head="$head before wall (s) | before CPU (s) | after/before wall |"
echo "$head"; echo "$head" | sed 's/[^|]\{1,\}|/ --- |/g'
for m in bare-commit bare-checkout bare-fsck; do
  ow=$(cut -d' ' -f1 "$work/$m.ostree" | median); tw=$(cut -d' ' -f1 "$work/$m.ours" | median)
  oc=$(cut -d' ' -f2 "$work/$m.ostree" | median); tc=$(cut -d' ' -f2 "$work/$m.ours" | median)
  line=$(printf '| %s | %.2f | %.2f | %.2fx | %.2f | %.2f |' "$m" "$ow" "$tw" "$(echo "$tw / $ow" | bc -l)" "$oc" "$tc")
  if [ -n "$before" ]; then
    bw=$(cut -d' ' -f1 "$work/$m.before" | median); bc_=$(cut -d' ' -f2 "$work/$m.before" | median)
    line="$line $(printf ' %.2f | %.2f | %.2fx |' "$bw" "$bc_" "$(echo "$tw / $bw" | bc -l)")"
  fi
  echo "$line"
done
for m in bare-commit bare-checkout bare-fsck; do
  for tool in "${tools[@]}"; do echo "$m $tool, wall and CPU s per round: $(paste -sd' ' "$work/$m.$tool")" >&2; done
done
echo "(identical commit checksums from every tool in every round: $(cat "$work/id.ours.1"))" >&2
