#!/usr/bin/env bash
# Idle resident memory of the node agent, with the JVM flags given in AGENT_JVM_FLAGS (default: the
# flags we recommend shipping). Two processes: the Fabric8 mock API server (not measured) and the
# real agent runtime (watch, loop, status reporter, /healthz /readyz /metrics) over an in-memory
# host that already booted its instruction's commit. Prints VmRSS after 30 s and 45 s idle.
# Usage: node-agent/bench/footprint.sh      (from the repository root, after a build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
flags="${AGENT_JVM_FLAGS:--XX:+UseSerialGC -Xms8m -Xmx64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss256k -XX:ReservedCodeCacheSize=24m -XX:TieredStopAtLevel=1 -XX:MaxMetaspaceSize=64m -XX:+ExitOnOutOfMemoryError}"
work="$(mktemp -d)"
server_pid=""
agent_pid=""
cleanup() {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

./mvnw -B -q -pl node-agent test-compile
./mvnw -B -q -pl node-agent dependency:build-classpath -Dmdep.outputFile="$work/test.cp" -DincludeScope=test
./mvnw -B -q -pl node-agent dependency:build-classpath -Dmdep.outputFile="$work/runtime.cp" -DincludeScope=runtime
classes="node-agent/target/test-classes:node-agent/target/classes"

java -cp "$classes:$(cat "$work/test.cp")" dev.treewave.agent.bench.FootprintApiServer \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 60); do [ -s "$work/server.out" ] && break; sleep 1; done
url="$(head -1 "$work/server.out")"
[ -n "$url" ] || { echo "the mock API server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }

# shellcheck disable=SC2086 # the flags are words
java $flags -Dtreewave.log.level=warn \
  -cp "$classes:$(cat "$work/runtime.cp")" dev.treewave.agent.bench.FootprintAgent "$url" \
  >"$work/agent.out" 2>"$work/agent.err" &
agent_pid=$!
sleep 30
rss30="$(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status")"
sleep 15
rss45="$(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status")"
port="$(grep -o 'http [0-9]*' "$work/agent.out" | cut -d' ' -f2)"
state="$(curl -s "http://127.0.0.1:$port/metrics" | grep -E '^treewave_agent_state.* 1(\.0)?$' || true)"
echo "JVM flags: $flags"
echo "agent state: ${state:-unknown}"
echo "idle RSS after 30 s: $((rss30 / 1024)) MiB ($rss30 kB); after 45 s: $((rss45 / 1024)) MiB ($rss45 kB)"
