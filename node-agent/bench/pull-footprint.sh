#!/usr/bin/env bash
# Resident memory of the node agent DURING a pull of the Debian minbase tree (ostree/bench/fixture.sh),
# with the JVM flags given in AGENT_JVM_FLAGS (default: the flags the image ships).
#
# The real ostree commits the tree (--generate-sizes) into an archive repository, served over HTTP
# on 127.0.0.1 by python3's http.server. The agent is the real AgentMain (watch, loop, reporter,
# /metrics) on its runtime class path, over a scratch sysroot made by `ostree admin init-fs`, talking
# to the Fabric8 mock API server (its own process, not measured), whose OSNode asks to stage the
# commit. VmRSS and VmHWM of the agent are sampled every 100 ms from "State Pulling" until the pull
# ends ("State Verifying"). The minbase tree has no kernel, so staging then fails; that is after the
# measured window.
# Usage: node-agent/bench/pull-footprint.sh      (from the repository root, after a build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
flags="${AGENT_JVM_FLAGS:--XX:+UseSerialGC -Xms8m -Xmx64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss256k -XX:ReservedCodeCacheSize=24m -XX:TieredStopAtLevel=1 -XX:MaxMetaspaceSize=64m -XX:+ExitOnOutOfMemoryError}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '[pull-footprint] %s\n' "$*" >&2; }

fixture="$(ostree/bench/fixture.sh)"
./mvnw -B -q -pl node-agent test-compile
./mvnw -B -q -pl node-agent dependency:build-classpath -Dmdep.outputFile="$work/test.cp" -DincludeScope=test
./mvnw -B -q -pl node-agent dependency:build-classpath -Dmdep.outputFile="$work/runtime.cp" -DincludeScope=runtime
classes="node-agent/target/test-classes:node-agent/target/classes"

# The committed archive repository is cached (committing 206 MB takes minutes on a busy machine).
cache="${TREEWAVE_CACHE:-$HOME/.cache/treewave}/bench/minbase-archive-sizes"
ref=bench/minbase
if [ ! -f "$cache/.complete" ]; then
  say "committing $fixture with the real ostree (--generate-sizes) into $cache"
  rm -rf "$cache" && mkdir -p "$cache"
  ostree --repo="$cache/repo" init --mode=archive
  ostree --repo="$cache/repo" commit --branch=$ref --tree=dir="$fixture" --generate-sizes \
    --owner-uid=0 --owner-gid=0 --subject=minbase >"$cache/commit"
  touch "$cache/.complete"
fi
ln -s "$cache/repo" "$work/repo"
commit="$(cat "$cache/commit")"
objects="$(find "$work/repo/objects/" -type f | wc -l)"
repo_bytes="$(du -sb "$work/repo/objects/" | cut -f1)"

python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$cache/repo" >"$work/http.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q 'port' "$work/http.out" 2>/dev/null && break; sleep 0.2; done
http_port="$(grep -o 'port [0-9]*' "$work/http.out" | head -1 | cut -d' ' -f2)"
repo_url="http://127.0.0.1:$http_port/"

java -cp "$classes:$(cat "$work/test.cp")" dev.treewave.agent.bench.FootprintApiServer \
  "$repo_url" "$ref" "$commit" >"$work/server.out" 2>"$work/server.err" &
pids+=($!)
for _ in $(seq 60); do [ -s "$work/server.out" ] && break; sleep 1; done
api="$(head -1 "$work/server.out")"
[ -n "$api" ] || { echo "the mock API server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }

host="$work/host"
mkdir -p "$host"
ostree admin init-fs "$host" >/dev/null
ostree admin os-init bench --sysroot="$host" >/dev/null
mkdir -p "$host/run" "$work/proc/sys/kernel/random"
touch "$host/run/ostree-booted"
: >"$work/proc/cmdline"
cat /proc/sys/kernel/random/boot_id >"$work/proc/sys/kernel/random/boot_id"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086 # the flags are words
java $flags -Dtreewave.log.level=info \
  -Dkubernetes.master="$api" -Dkubernetes.namespace=default \
  -Dkubernetes.auth.tryKubeConfig=false -Dkubernetes.auth.tryServiceAccount=false \
  -cp "node-agent/target/classes:$(cat "$work/runtime.cp")" dev.treewave.agent.AgentMain \
  --node-name=bench-node --host-root="$host" --proc="$work/proc" --reboot-strategy=none \
  --http-port=0 --disk-reserve=64Mi --progress-interval=1s \
  >"$work/agent.out" 2>"$work/agent.err" &
agent=$!
pids+=("$agent")

samples="$work/samples"
: >"$samples"
start_ns=""
pre_rss=""
for _ in $(seq 12000); do # at most 20 minutes
  kill -0 "$agent" 2>/dev/null || { echo "the agent exited:" >&2; tail -20 "$work/agent.err" >&2; exit 1; }
  status="$(cat "/proc/$agent/status")"
  rss="$(awk '/VmRSS/ {print $2}' <<<"$status")"
  hwm="$(awk '/VmHWM/ {print $2}' <<<"$status")"
  anon="$(awk '/RssAnon/ {print $2}' <<<"$status")"
  if [ -z "$start_ns" ]; then
    if grep -q 'State Pulling' "$work/agent.err"; then
      start_ns="$(date +%s%N)"
      pre_rss="$rss"
    fi
  else
    echo "$(( ($(date +%s%N) - start_ns) / 1000000 )) $rss $hwm $anon" >>"$samples"
    if grep -qE 'State (Verifying|Failed)' "$work/agent.err"; then
      # With -XX:NativeMemoryTracking=summary in AGENT_JVM_FLAGS: where the memory went, now.
      if [ -n "${NMT_OUT:-}" ]; then jcmd "$agent" VM.native_memory summary >"$NMT_OUT" 2>&1 || true; fi
      break
    fi
  fi
  sleep 0.1
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
grep -qE 'State Verifying' "$work/agent.err" || { echo "the pull did not finish:" >&2; grep -E 'State|ERROR|WARN' "$work/agent.err" | tail -20 >&2; exit 1; }
fetched="$(find "$host/ostree/repo/objects" \( -type f -o -type l \) | wc -l)"
read -r n peak mean last_hwm duration peak_anon < <(awk '{ n++; s += $2; if ($2 > p) p = $2; if ($4 > a) a = $4; h = $3; t = $1 } END { printf "%d %d %d %d %d %d\n", n, p, s / n, h, t, a }' "$samples")
echo "JVM flags: $flags"
echo "commit $commit: $objects objects, $((repo_bytes / 1024 / 1024)) MiB in the archive repository; $fetched objects pulled"
echo "pull: ${duration} ms, $n samples of VmRSS every 100 ms"
echo "RSS when the pull started: $((pre_rss / 1024)) MiB; during the pull: mean $((mean / 1024)) MiB, peak $((peak / 1024)) MiB; VmHWM at the end of the pull: $((last_hwm / 1024)) MiB; peak RssAnon (heap, stacks, malloc; not the JVM's mapped files): $((peak_anon / 1024)) MiB"
echo "load average (1/5/15 min) before: $load_before; after: $load_after"
grep -E 'Disk space' "$work/agent.err" | head -1 | sed 's/^/agent: /' || true
if [ -n "${KEEP_SAMPLES:-}" ]; then cp "$samples" "$KEEP_SAMPLES"; fi
