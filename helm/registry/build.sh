#!/usr/bin/env bash
# Builds the OCI distribution registry (github.com/distribution/distribution/v3/cmd/registry, the
# reference implementation of the OCI distribution spec) from the Go modules locked in
# go.mod/go.sum next to this script, cached outside the repository by their hash (see
# ../go-tool.sh), and prints the binary's path as the only line on stdout:
#     REGISTRY=$(helm/registry/build.sh)
# ImagesPushIT pushes bin/build-images' images to it. Cold: a few minutes on 2 cores.
set -Eeuo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/../go-tool.sh" registry \
  github.com/distribution/distribution/v3/cmd/registry
