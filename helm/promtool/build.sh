#!/usr/bin/env bash
# Builds promtool (github.com/prometheus/prometheus/cmd/promtool) from the Go modules locked in
# go.mod/go.sum next to this script, cached outside the repository by their hash (see
# ../go-tool.sh), and prints the binary's path as the only line on stdout:
#     PROMTOOL=$(helm/promtool/build.sh)
# The chart's rule tests (PrometheusRulesIT) run it. Cold: a few minutes on 2 cores.
set -Eeuo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/../go-tool.sh" promtool \
  github.com/prometheus/prometheus/cmd/promtool
