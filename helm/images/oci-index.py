#!/usr/bin/env python3
"""Joins single-platform image tarballs written by Jib's buildTar (OCI format) into one OCI image
layout archive whose index names every platform, like a registry's multi-arch manifest list.

Usage: oci-index.py OUT.tar IMAGE.tar...

Each input holds one image: Jib writes its OCI manifest, config and layers as blobs. The output
(an OCI image layout, https://github.com/opencontainers/image-spec/blob/main/image-layout.md)
holds those blobs once each, one image manifest per input, and an image index listing them with
their platform (from each config's architecture and os). index.json points at that image index,
annotated with the tag (org.opencontainers.image.ref.name) and the full name (io.treewave.name).
Prints NAME:TAG@sha256:<index digest>: what a registry reports after `skopeo copy --all`.
"""

import hashlib
import io
import json
import sys
import tarfile

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def digest_of(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def read_image(path):
    """Returns (manifest bytes, config dict, name, {digest: blob bytes}) of a one-image tarball."""
    with tarfile.open(path) as tar:
        files = {m.name.lstrip("./"): m for m in tar.getmembers() if m.isfile()}

        def read(name):
            return tar.extractfile(files[name]).read()

        if "index.json" in files:  # an OCI layout
            index = json.loads(read("index.json"))
            if len(index["manifests"]) != 1:
                raise SystemExit(f"{path}: expected one image, found {len(index['manifests'])}")
            descriptor = index["manifests"][0]
            manifest_bytes = read("blobs/" + descriptor["digest"].replace(":", "/"))
            name = (descriptor.get("annotations") or {}).get("org.opencontainers.image.ref.name", "")
        else:  # docker save layout: manifest.json with Config and Layers file names
            raise SystemExit(f"{path}: not an OCI layout (build with <container><format>OCI)")
        manifest = json.loads(manifest_bytes)
        if manifest.get("mediaType", OCI_MANIFEST) != OCI_MANIFEST:
            raise SystemExit(f"{path}: manifest media type {manifest.get('mediaType')}")
        blobs = {}
        for descriptor in [manifest["config"], *manifest["layers"]]:
            data = read("blobs/" + descriptor["digest"].replace(":", "/"))
            if digest_of(data) != descriptor["digest"]:
                raise SystemExit(f"{path}: blob {descriptor['digest']} does not match its digest")
            blobs[descriptor["digest"]] = data
        config = json.loads(blobs[manifest["config"]["digest"]])
        return manifest_bytes, config, name, blobs


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def main(out, inputs):
    blobs, manifests, names = {}, [], set()
    for path in inputs:
        manifest_bytes, config, name, image_blobs = read_image(path)
        blobs.update(image_blobs)
        blobs[digest_of(manifest_bytes)] = manifest_bytes
        names.add(name)
        platform = {"architecture": config["architecture"], "os": config["os"]}
        if any(m["platform"] == platform for m in manifests):
            raise SystemExit(f"{path}: a second image for {platform}")
        manifests.append(
            {
                "mediaType": OCI_MANIFEST,
                "digest": digest_of(manifest_bytes),
                "size": len(manifest_bytes),
                "platform": platform,
            }
        )
    if len(names) != 1:
        raise SystemExit(f"the images have different names: {sorted(names)}")
    full_name = names.pop()
    repository, _, tag = full_name.rpartition(":")
    if not repository or "/" in tag:
        raise SystemExit(f"image name without a tag: {full_name!r}")
    image_index = json.dumps(
        {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests},
        separators=(",", ":"),
    ).encode()
    index_digest = digest_of(image_index)
    blobs[index_digest] = image_index
    layout_index = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [
                {
                    "mediaType": OCI_INDEX,
                    "digest": index_digest,
                    "size": len(image_index),
                    "annotations": {
                        "org.opencontainers.image.ref.name": tag,
                        "io.treewave.name": full_name,
                    },
                }
            ],
        },
        separators=(",", ":"),
    ).encode()
    with tarfile.open(out, "w") as tar:
        add(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add(tar, "index.json", layout_index)
        for digest in sorted(blobs):
            add(tar, "blobs/" + digest.replace(":", "/"), blobs[digest])
    print(f"{full_name}@{index_digest}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2:])
