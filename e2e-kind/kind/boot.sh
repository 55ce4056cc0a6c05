#!/bin/sh
# The bootloader of a Kind node's scratch sysroot (Kind nodes share the host's kernel and cannot
# boot an OSTree deployment). Usage: boot.sh HOST-ROOT [restart-agent]
#
# "Boots" the default entry: its options line (with ostree=...) becomes the simulated kernel
# command line HOST-ROOT/treewave-kind/proc/cmdline and a fresh boot id is written to
# HOST-ROOT/treewave-kind/proc/sys/kernel/random/boot_id; the agent reads both through
# TREEWAVE_PROC=HOST-ROOT/treewave-kind/proc (values-kind.yaml). prepare-nodes.sh runs it once in
# every node; the agent runs it as its reboot command (rebootStrategy: command) with
# restart-agent, which then kills the agent's JVM (its parent) as a reboot would, so the kubelet
# restarts the agent's container and the new process finds the new deployment booted.
set -eu
host="$1"
proc="$host/treewave-kind/proc"
mkdir -p "$proc/sys/kernel/random"
best="" bestv=-1
for f in "$host"/boot/loader/entries/*.conf; do
  v="$(awk '$1 == "version" { print $2 }' "$f")"
  if [ "${v:-0}" -gt "$bestv" ]; then bestv="$v" best="$f"; fi
done
[ -n "$best" ] || { echo "boot.sh: no boot entry in $host/boot/loader/entries" >&2; exit 1; }
sed -n 's/^options //p' "$best" >"$proc/cmdline.new"
cat /proc/sys/kernel/random/uuid >"$proc/sys/kernel/random/boot_id.new"
mv "$proc/cmdline.new" "$proc/cmdline"
mv "$proc/sys/kernel/random/boot_id.new" "$proc/sys/kernel/random/boot_id"
mkdir -p "$host/run" && touch "$host/run/ostree-booted"
echo "boot.sh: booted $(basename "$best"): $(cat "$proc/cmdline")" >&2
if [ "${2:-}" = restart-agent ]; then
  kill -KILL "$PPID"
fi
