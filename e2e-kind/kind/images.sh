#!/usr/bin/env bash
# Builds the operator and agent images with Jib (no Docker daemon needed for the build itself)
# and loads them into the Kind nodes as :kind.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need kind "https://kind.sigs.k8s.io/"
cd "$REPO_ROOT"
say "building images on $BASE_IMAGE (jib:buildTar, one OCI tar per architecture)"
case "$(uname -m)" in aarch64) HOST_ARCH=arm64 ;; *) HOST_ARCH=amd64 ;; esac
./mvnw -B -q -Pimages -pl operator,node-agent -am package -DskipTests \
  -Dtreewave.image.base="$BASE_IMAGE" -Dtreewave.image.tag=kind
for module in operator node-agent; do
  say "loading $module into $CLUSTER"
  kind load image-archive --name "$CLUSTER" "$module/target/jib-image-$HOST_ARCH.tar"
done
