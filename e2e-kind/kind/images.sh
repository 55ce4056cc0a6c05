#!/usr/bin/env bash
# Builds the operator and agent images with Jib (no Docker daemon needed for the build itself)
# and loads them into the Kind nodes as :kind. TREEWAVE_KIND_IMAGES_PREBUILT=1 skips the build and
# loads the operator/ and node-agent/ target/jib-image-<arch>.tar an earlier -Pimages build left.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need kind "https://kind.sigs.k8s.io/"
cd "$REPO_ROOT"
case "$(uname -m)" in aarch64) HOST_ARCH=arm64 ;; *) HOST_ARCH=amd64 ;; esac
if [ "${TREEWAVE_KIND_IMAGES_PREBUILT:-0}" = 1 ]; then
  say "using the images already built (operator/ and node-agent/ target/jib-image-$HOST_ARCH.tar)"
else
  arch_args=()
  case "$BASE_IMAGE" in
    tar://*) # a tar base holds one architecture: build only the host's (Kind runs nothing else)
      other=arm64; [ "$HOST_ARCH" = arm64 ] && other=amd64
      arch_args=("-Dtreewave.image.base.$HOST_ARCH=$BASE_IMAGE" "-Dtreewave.image.skip.$other=true") ;;
  esac
  say "building images on $BASE_IMAGE (jib:buildTar, one OCI tar per architecture)"
  ./mvnw -B -q -Pimages -pl operator,node-agent -am package -DskipTests -Dspotbugs.skip \
    -Dtreewave.image.base="$BASE_IMAGE" -Dtreewave.image.tag=kind "${arch_args[@]}"
fi
for module in operator node-agent; do
  [ -s "$module/target/jib-image-$HOST_ARCH.tar" ] || die "$module/target/jib-image-$HOST_ARCH.tar is missing"
  say "loading $module into $CLUSTER"
  kind load image-archive --name "$CLUSTER" "$module/target/jib-image-$HOST_ARCH.tar"
done
