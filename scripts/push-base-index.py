#!/usr/bin/env python3
"""Pushes a multi-platform base image to a registry over plain HTTP: one single-layer image per platform
made from a root file system tar (as debootstrap leaves it), and an OCI index naming them, which is what
Jib needs as the base of a multi-platform build.
Usage: push-base-index.py REGISTRY REPOSITORY:TAG OS/ARCH=ROOTFS.tar [OS/ARCH=ROOTFS.tar ...]"""
import gzip
import hashlib
import json
import sys
import tempfile
import urllib.request

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def request(method, url, data=None, content_type=None):
    req = urllib.request.Request(url, data=data, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req) as response:
        return response.headers, response.read()


def push_blob(base, repository, path_or_bytes):
    if isinstance(path_or_bytes, bytes):
        data = path_or_bytes
    else:
        with open(path_or_bytes, "rb") as f:
            data = f.read()
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    headers, _ = request("POST", f"{base}/v2/{repository}/blobs/uploads/")
    location = headers["Location"]
    location = location if location.startswith("http") else base + location
    separator = "&" if "?" in location else "?"
    request("PUT", f"{location}{separator}digest={digest}", data, "application/octet-stream")
    return {"digest": digest, "size": len(data)}


def push_platform(base, repository, platform, rootfs_tar):
    os_name, architecture = platform.split("/", 1)
    uncompressed = hashlib.sha256()
    with tempfile.NamedTemporaryFile(suffix=".tar.gz") as layer:
        with open(rootfs_tar, "rb") as source, gzip.GzipFile(fileobj=layer, mode="wb", compresslevel=1, mtime=0) as target:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                uncompressed.update(chunk)
                target.write(chunk)
        layer.flush()
        layer_descriptor = {"mediaType": OCI_LAYER, **push_blob(base, repository, layer.name)}
    config = {
        "architecture": architecture, "os": os_name,
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + uncompressed.hexdigest()]},
    }
    config_descriptor = {"mediaType": OCI_CONFIG, **push_blob(base, repository, json.dumps(config).encode())}
    manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                           "config": config_descriptor, "layers": [layer_descriptor]}).encode()
    digest = "sha256:" + hashlib.sha256(manifest).hexdigest()
    request("PUT", f"{base}/v2/{repository}/manifests/{digest}", manifest, OCI_MANIFEST)
    return {"mediaType": OCI_MANIFEST, "digest": digest, "size": len(manifest),
            "platform": {"os": os_name, "architecture": architecture}}


def main(registry, image, platforms):
    repository, _, tag = image.partition(":")
    base = f"http://{registry}"
    entries = []
    for argument in platforms:
        platform, _, rootfs_tar = argument.partition("=")
        entries.append(push_platform(base, repository, platform, rootfs_tar))
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}).encode()
    request("PUT", f"{base}/v2/{repository}/manifests/{tag}", index, OCI_INDEX)
    print(f"{registry}/{image}: " + ", ".join(f"{e['platform']['os']}/{e['platform']['architecture']}" for e in entries))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
