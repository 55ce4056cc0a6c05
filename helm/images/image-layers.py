#!/usr/bin/env python3
"""Unpacks one image of a tarball into a directory and prints its run settings as JSON.

Usage: image-layers.py IMAGE.tar ARCH ROOTFS

IMAGE.tar is a "docker save" tarball (manifest.json) or an OCI image layout (index.json, maybe
with an image index per platform, as bin/build-images writes). The image for ARCH is chosen, its
config's architecture checked, its layers unpacked in order into ROOTFS, and {"Entrypoint", "Env",
"User", "architecture"} printed.
"""

import json
import sys
import tarfile

INDEXES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}


def main(path, arch, rootfs):
    with tarfile.open(path) as tar:
        members = {m.name.lstrip("./"): m for m in tar.getmembers() if m.isfile()}

        def read(name):
            return tar.extractfile(members[name]).read()

        def blob(digest):
            return "blobs/" + digest.replace(":", "/")

        if "index.json" in members:
            descriptor = json.loads(read("index.json"))["manifests"][0]
            while descriptor.get("mediaType") in INDEXES:
                candidates = json.loads(read(blob(descriptor["digest"])))["manifests"]
                chosen = [
                    m
                    for m in candidates
                    if m.get("platform", {}).get("architecture") == arch
                    and m.get("platform", {}).get("os") == "linux"
                ]
                if len(chosen) != 1:
                    raise SystemExit(f"{path}: {len(chosen)} images for linux/{arch}")
                descriptor = chosen[0]
            manifest = json.loads(read(blob(descriptor["digest"])))
            config = json.loads(read(blob(manifest["config"]["digest"])))
            layers = [blob(layer["digest"]) for layer in manifest["layers"]]
        else:
            manifest = json.loads(read("manifest.json"))[0]
            config = json.loads(read(manifest["Config"]))
            layers = manifest["Layers"]
        if config.get("architecture") != arch:
            raise SystemExit(f"{path}: the image is {config.get('architecture')}, not {arch}")
        for layer in layers:
            with tarfile.open(fileobj=tar.extractfile(members[layer])) as layer_tar:
                layer_tar.extractall(rootfs, numeric_owner=True)
        run = config.get("config") or {}
        print(
            json.dumps(
                {
                    "Entrypoint": run.get("Entrypoint") or [],
                    "Env": run.get("Env") or [],
                    "User": run.get("User") or "",
                    "architecture": config["architecture"],
                }
            )
        )


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
