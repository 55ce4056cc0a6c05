# Sourced by local-base.sh and debian-base.sh: what both JRE base images share once their root
# file system is assembled. Needs bash; defines functions only.

# add_users ROOT: root, and the nonroot user 65532 the chart's operator runs as.
add_users() {
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$1/etc/group"
}

# write_base_archive ROOT ARCH TAG OUT: ROOT as the one layer of a "docker save" tarball at OUT
# (reproducible: sorted, owned by 0, epoch mtimes), with the JRE on PATH; prints its diff id.
write_base_archive() {
  local root="$1" arch="$2" tag="$3" out="$4" work
  work="$(mktemp -d)"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='1970-01-01' -C "$root" -cf "$work/layer.tar" .
  local diff_id="sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  cat >"$work/config.json" <<JSON
{"architecture":"$arch","os":"linux",
 "config":{"Env":["PATH=/opt/java/openjdk/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java/openjdk"]},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]}}
JSON
  cat >"$work/manifest.json" <<JSON
[{"Config":"config.json","RepoTags":["$tag"],"Layers":["layer.tar"]}]
JSON
  mkdir -p "$(dirname "$out")"
  tar -C "$work" -cf "$out" manifest.json config.json layer.tar
  rm -rf "$work"
  echo "$diff_id"
}
