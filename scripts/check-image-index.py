#!/usr/bin/env python3
"""Checks a multi-platform image in a registry (plain HTTP): it must be an index (OCI or Docker manifest
list) with an entry for each given platform, each entry's config of that OS and architecture and its
layers starting with the layers of the base image's entry for the same platform.
Usage: check-image-index.py REGISTRY REPOSITORY:TAG BASE_REPOSITORY:TAG OS/ARCH [OS/ARCH ...]"""
import json
import sys
import urllib.request

INDEX_TYPES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")
MANIFEST_TYPES = ("application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json")


def get_json(url, accept=()):
    req = urllib.request.Request(url)
    if accept:
        req.add_header("Accept", ", ".join(accept))
    with urllib.request.urlopen(req) as response:
        return json.load(response)


def entries_by_platform(base, image):
    repository, _, tag = image.partition(":")
    index = get_json(f"{base}/v2/{repository}/manifests/{tag}", INDEX_TYPES + MANIFEST_TYPES)
    if index.get("mediaType") not in INDEX_TYPES:
        sys.exit(f"{image} is not an index but {index.get('mediaType')}")
    entries = {}
    for entry in index["manifests"]:
        platform = entry.get("platform", {})
        manifest = get_json(f"{base}/v2/{repository}/manifests/{entry['digest']}", MANIFEST_TYPES)
        config = get_json(f"{base}/v2/{repository}/blobs/{manifest['config']['digest']}")
        entries[f"{platform.get('os')}/{platform.get('architecture')}"] = (manifest, config)
    return entries


def main(registry, image, base_image, platforms):
    base = f"http://{registry}"
    built = entries_by_platform(base, image)
    bases = entries_by_platform(base, base_image)
    for platform in platforms:
        if platform not in built:
            sys.exit(f"{image} has no {platform} entry (it has {', '.join(sorted(built))})")
        manifest, config = built[platform]
        if f"{config.get('os')}/{config.get('architecture')}" != platform:
            sys.exit(f"{image}'s {platform} entry has a config for {config.get('os')}/{config.get('architecture')}")
        base_layers = [layer["digest"] for layer in bases[platform][0]["layers"]]
        layers = [layer["digest"] for layer in manifest["layers"]]
        if layers[:len(base_layers)] != base_layers:
            sys.exit(f"{image}'s {platform} entry is not layered on {base_image}'s {platform} entry")
    print(f"{registry}/{image}: index of {', '.join(sorted(built))}, each on {base_image} of its platform")


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
