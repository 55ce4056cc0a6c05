#!/usr/bin/env bash
# Applies the demo OSImage (v2, paused: stage everywhere, disrupt nothing), watches it, and
# verifies that every node's agent staged exactly the v2 commit and that the OSImage is not Degraded.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
v2="$(cat "$WORK/v2.commit")"
sed "s/\"COMMIT\"/\"$v2\"/" "$KIND_DIR/manifests/osimage.yaml" | kc apply -f -
say "watching (Ctrl-C stops watching, not the rollout)"
expected="$(nodes | wc -l)"
for _ in $(seq 1 120); do
  kc get osnodes -o custom-columns='NODE:.metadata.name,ACTION:.spec.instruction.action,STATE:.status.agentState,STAGED:.status.deployments[?(@.staged==true)].commit' --no-headers || true
  staged="$(kc get osnodes -o json | python3 -c '
import json, sys
v2 = sys.argv[1]
items = json.load(sys.stdin)["items"]
print(sum(1 for o in items for d in (o.get("status") or {}).get("deployments") or []
          if d.get("commit") == v2 and (d.get("staged") or d.get("pending"))))' "$v2")"
  say "$staged/$expected nodes staged $v2"
  [ "$staged" -ge "$expected" ] && break
  sleep 5
done
[ "$staged" -ge "$expected" ] || die "not every node staged $v2; see kubectl get osnodes -o yaml"
kc get osimage demo -o jsonpath='{range .status.conditions[*]}{.type}={.status} {end}{"\n"}'
if kc get osimage demo -o jsonpath='{.status.conditions[?(@.type=="Degraded")].status}' | grep -qx True; then
  die "OSImage demo is Degraded"
fi
say "verified: every node staged $v2 and nothing was disrupted (spec.paused)"
