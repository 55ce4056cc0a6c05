#!/usr/bin/env bash
# Deletes the Kind cluster and the demo's work directory.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kind delete cluster --name "$CLUSTER"
rm -rf "$WORK"
