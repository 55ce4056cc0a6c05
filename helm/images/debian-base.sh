#!/usr/bin/env bash
# Builds a JRE base image for another architecture (arm64 by default) as a "docker save" tarball,
# from Debian bookworm's own packages, without running anything of that architecture: a private
# apt state (nothing of the machine's apt configuration changes) downloads the .debs and dpkg-deb
# unpacks them. Jib takes the result as -Dtreewave.image.base.arm64=tar://<file>.
#
# The image: Debian's OpenJDK 17 JRE (linked as /opt/java/openjdk, like the Temurin image), the
# C and C++ runtime and zlib it links, nsenter (the agent's reboot path), and
# /etc/passwd with a nonroot user 65532. Like local-base.sh, it is for tests; users build on the
# pinned Temurin image (see helm/README.md, "Images").
#
# The result is cached by content: the exact .deb files (names and SHA256 from the Debian index)
# and these scripts. Cache: $TREEWAVE_CACHE (default ~/.cache/treewave)/images.
#
# Usage: debian-base.sh OUTPUT.tar [ARCH]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/base-archive.sh"
out="${1:?usage: debian-base.sh OUTPUT.tar [ARCH]}"
arch="${2:-arm64}"
case "$arch" in amd64 | arm64) ;; *) echo "debian-base.sh: ARCH is amd64 or arm64, not $arch" >&2; exit 2 ;; esac
cache="${TREEWAVE_CACHE:-$HOME/.cache/treewave}/images"
state="$cache/apt-$arch"
mkdir -p "$state"/{lists/partial,archives/partial} "$(dirname "$out")"
[ -f "$state/status" ] || : >"$state/status"
cat >"$state/sources.list" <<SOURCES
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
apt=(apt-get -q -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
  -o "Dir::State=$state" -o "Dir::State::Lists=$state/lists" -o "Dir::State::status=$state/status"
  -o "Dir::Cache=$state" -o "Dir::Cache::archives=$state/archives"
  -o "Dir::Etc::SourceList=$state/sources.list" -o "Dir::Etc::SourceParts=$state/none"
  -o "Dir::Etc::Preferences=$state/none" -o "Dir::Etc::PreferencesParts=$state/none"
  -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
packages=(openjdk-17-jre-headless libc6 libgcc-s1 libstdc++6 zlib1g util-linux libselinux1 libpcre2-8-0)

"${apt[@]}" update >"$state/update.log" 2>&1 || { cat "$state/update.log" >&2; exit 1; }
uris="$(cd "$state" && "${apt[@]}" download --print-uris "${packages[@]/%/:$arch}" 2>/dev/null)"
[ -n "$uris" ] || { echo "debian-base.sh: no download URIs for ${packages[*]} ($arch)" >&2; exit 1; }
key="$({ printf '%s\n' "$uris" | sort; cat "${BASH_SOURCE[0]}" "$(dirname "${BASH_SOURCE[0]}")/base-archive.sh"; } | sha256sum | cut -c1-16)"
cached="$cache/debian-base-$arch-$key.tar"
if [ -s "$cached" ]; then
  cp "$cached" "$out"
  echo "$out: cached $(basename "$cached")" >&2
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && "${apt[@]}" download "${packages[@]/%/:$arch}" >"$work/download.log" 2>&1) ||
  { cat "$work/download.log" >&2; exit 1; }
root="$work/rootfs" extra="$work/extra"
mkdir -p "$root"/{etc,tmp,proc,opt/java,usr/bin} "$extra" && chmod 1777 "$root/tmp"
for deb in "$work"/*.deb; do
  case "$(basename "$deb")" in
    util-linux_*) dpkg-deb -x "$deb" "$extra" ;; # only nsenter of it
    *) dpkg-deb -x "$deb" "$root" ;;
  esac
done
cp -a "$extra/usr/bin/nsenter" "$root/usr/bin/"
rm -rf "$root"/usr/share/{doc,man,locale,lintian,bug} "$root/usr/lib/jvm/java-17-openjdk-$arch/man"
# bookworm is merged-/usr: the loader is looked up under /lib.
for d in bin sbin lib; do [ -e "$root/$d" ] || ln -s "usr/$d" "$root/$d"; done
ln -s "../../usr/lib/jvm/java-17-openjdk-$arch" "$root/opt/java/openjdk" # relative: resolvable from outside too
add_users "$root"
[ -x "$root/usr/lib/jvm/java-17-openjdk-$arch/bin/java" ] || { echo "debian-base.sh: no java in the unpacked JRE" >&2; exit 1; }

diff_id="$(write_base_archive "$root" "$arch" "treewave-debian-base:$arch" "$work/base.tar")"
rm -f "$cache"/debian-base-"$arch"-*.tar
mv "$work/base.tar" "$cached"
cp "$cached" "$out"
echo "$out: $(du -h "$out" | cut -f1), base layer $diff_id" >&2
