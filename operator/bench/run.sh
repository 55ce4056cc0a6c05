#!/usr/bin/env bash
# Benchmark: the operator at scale (a command, not a test). Starts a real control plane (etcd,
# kube-apiserver, kwok) on 127.0.0.1, N kwok Nodes, simulated agents with a fixed reboot time and
# the real operator in its own JVM, rolls one OSImage out and prints: wall time against the
# theoretical minimum for the same waves, the operator's API requests (kube-apiserver audit log),
# and the operator's heap and RSS. Every process it starts is stopped at the end.
# Usage: operator/bench/run.sh [--nodes 1000] [--reboot 5s] [--stage 0s] [--stable 0s]
#          [--canary 1%] [--pause-after-canary 10s] [--max-unavailable 10%]
#          [--operator-jvm-flags "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx128m ..."]
# Needs: the control plane binaries (bin/setup), JDK 17 (java, jstat, jcmd).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ "${SKIP_BUILD:-}" != 1 ]; then
  # -DskipITs too: this build's failsafe does not honour -DskipTests, and install runs it.
  ./mvnw -B -q -pl operator -am install -DskipTests -DskipITs -Dspotless.check.skip=true
fi
mkdir -p operator/target
./mvnw -B -q -pl operator dependency:build-classpath -DincludeScope=test \
  -Dmdep.outputFile="$root/operator/target/bench-test.classpath"
./mvnw -B -q -pl operator dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$root/operator/target/bench-runtime.classpath"
# Compile the operator and the benchmark into a private folder: other builds in this checkout may
# rewrite operator/target while the benchmark runs.
snap="$(mktemp -d "${TMPDIR:-/tmp}/treewave-scale-classes.XXXXXX")"
trap 'rm -rf "$snap"' EXIT
runtime_cp="$snap/classes:$(cat operator/target/bench-runtime.classpath)"
javac -nowarn -d "$snap/classes" -cp "$runtime_cp" $(find operator/src/main/java -name '*.java')
javac -nowarn -d "$snap/test-classes" -cp "$snap/classes:$(cat operator/target/bench-test.classpath)" \
  operator/src/test/java/dev/treewave/operator/bench/*.java \
  operator/src/test/java/dev/treewave/operator/rollout/FakeAgents.java
test_cp="$snap/test-classes:$snap/classes:$(cat operator/target/bench-test.classpath)"
java -Xmx1g -cp "$test_cp" dev.treewave.operator.bench.ScaleBenchmark \
  --operator-classpath "$runtime_cp" "$@"
