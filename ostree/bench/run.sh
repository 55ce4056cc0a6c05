#!/usr/bin/env bash
# Benchmark: treewave-ostree against the real ostree on the same big tree, in the same run.
# Times (wall, and CPU = user+sys) for: archive commit, re-commit of the unchanged tree (archive),
# bare-user commit, and hardlink checkout (-U) from bare-user. Each measurement alternates the two
# tools and repeats RUNS times; the median is reported with the ratio ours/ostree.
# Usage: ostree/bench/run.sh [TREE]   (default: the cached Debian minbase fixture)
# Needs: ./mvnw -B -pl ostree-cli -am package -DskipTests (bin/treewave-ostree), ostree, GNU time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tree="${1:-$("$root/ostree/bench/fixture.sh")}"
runs="${RUNS:-3}"
ours="${TREEWAVE_OSTREE:-$root/bin/treewave-ostree}"
work="$(mktemp -d "${TMPDIR:-/tmp}/treewave-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$ours" --version >/dev/null
command -v ostree >/dev/null || { echo "error: ostree is not installed" >&2; exit 1; }
timefmt="%e %U %S"

# time_cmd NAME TOOL CMD... : appends "wall cpu" to $work/NAME.TOOL
time_cmd() {
  local name="$1" tool="$2"; shift 2
  # Each measurement starts with nothing dirty: otherwise it pays for writing back what the one
  # before left (a checkout's thousands of new links and directories), in its own final sync or,
  # worse, as kernel work competing for the cores while it compresses.
  sync
  /usr/bin/time -o "$work/t" -f "$timefmt" "$@" >/dev/null
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/t" >> "$work/$name.$tool"
}

files=$(find "$tree" -type f | wc -l); entries=$(find "$tree" | wc -l); size=$(du -sm "$tree" | cut -f1)
echo "tree: $tree ($entries entries, $files files, ${size} MB); runs: $runs; cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# warm: reads the whole tree into the page cache. It runs before every commit, not once: this
# machine's kernel runs a DAMON "pageout" scheme that evicts page-cache pages left untouched for a
# few seconds, so between rounds part of the tree fell out again and each tool's commit waited on
# disk reads for a varying share of it (hundreds of blocked reads per commit, found with
# sched_switch traces), which blurred the comparison.
warm() { find "$tree" -type f -print0 | xargs -0 cat >/dev/null 2>&1 || true; }

for i in $(seq 1 "$runs"); do
  for tool in ostree ours; do
    if [ "$tool" = ostree ]; then cli=(ostree); else cli=("$ours"); fi
    r="$work/$tool-$i"
    rm -rf "$r"; mkdir -p "$r"
    "${cli[@]}" init --repo="$r/archive" --mode=archive
    "${cli[@]}" init --repo="$r/bareuser" --mode=bare-user
    warm
    time_cmd archive-commit "$tool" "${cli[@]}" commit --repo="$r/archive" -b bench --tree=dir="$tree" --timestamp=2020-01-01 -s bench
    warm
    time_cmd archive-recommit "$tool" "${cli[@]}" commit --repo="$r/archive" -b bench --tree=dir="$tree" --timestamp=2020-01-02 -s again
    warm
    time_cmd bareuser-commit "$tool" "${cli[@]}" commit --repo="$r/bareuser" -b bench --tree=dir="$tree" --timestamp=2020-01-01 -s bench
    time_cmd checkout-hardlink "$tool" "${cli[@]}" checkout --repo="$r/bareuser" -U bench "$r/co"
    a=$(ostree rev-parse --repo="$r/archive" bench); b=$(ostree rev-parse --repo="$r/bareuser" bench)
    echo "$a $b" > "$work/ids.$tool.$i"
    # Nothing is deleted until the run ends: on ext4 without a journal (this machine's disk) the
    # inode allocator skips inodes freed in the last ~30 s one by one, so creating 6.7k files right
    # after deleting a repo cost up to a quarter of a commit's CPU in the kernel, landing on
    # whichever tool ran next. (About 2 GB of disk for the default 3 rounds.)
  done
  cmp -s "$work/ids.ostree.$i" "$work/ids.ours.$i" || { echo "error: commit checksums differ: $(cat "$work/ids.ostree.$i") vs $(cat "$work/ids.ours.$i")" >&2; exit 1; }
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "| measurement | ostree 2022.7 wall (s) | treewave wall (s) | ratio (wall) | ostree CPU (s) | treewave CPU (s) | goal |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for m in archive-commit archive-recommit bareuser-commit checkout-hardlink; do
  ow=$(cut -d' ' -f1 "$work/$m.ostree" | median); tw=$(cut -d' ' -f1 "$work/$m.ours" | median)
  oc=$(cut -d' ' -f2 "$work/$m.ostree" | median); tc=$(cut -d' ' -f2 "$work/$m.ours" | median)
  case $m in archive-commit) goal="<= 0.5x";; archive-recommit) goal="<= 0.15x";; *) goal="<= 1.0x";; esac
  printf '| %s | %.2f | %.2f | %.2fx | %.2f | %.2f | %s |\n' "$m" "$ow" "$tw" "$(echo "$tw / $ow" | bc -l)" "$oc" "$tc" "$goal"
done
for m in archive-commit archive-recommit bareuser-commit checkout-hardlink; do
  echo "$m, wall and CPU s per round: ostree $(paste -sd' ' "$work/$m.ostree") | treewave $(paste -sd' ' "$work/$m.ours")" >&2
done
echo "(identical commit checksums from both tools in every run: $(cat "$work/ids.ours.1"))" >&2
