#!/usr/bin/env bash
# Installs the chart (CRDs, operator, agents, RBAC, admission policy) with the Kind values.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need helm "https://helm.sh/docs/intro/install/"
helm --kube-context "$KCTX" upgrade --install treewave "$REPO_ROOT/helm/treewave" \
  --namespace "$NS" --create-namespace -f "$KIND_DIR/values-kind.yaml" --wait --timeout 5m
kc -n "$NS" rollout status deployment/treewave-operator --timeout 3m
kc -n "$NS" rollout status daemonset/treewave-agent --timeout 3m
