#!/usr/bin/env python3
"""Checks an image's SBOM against the image: every jar the application runs with (lib/boot and lib/main
of Quarkus's fast-jar layout) must be a component of the CycloneDX bom.json, by group, artifact, version
and classifier. Usage: check-sbom.py BOM_JSON LIB_DIR. Exits 1 naming the jars the SBOM leaves out."""
import json
import os
import sys
import urllib.parse


def jar_names_in(bom):
    """The file names Quarkus gives the jars of the bom's Maven components (group.artifact-version[-classifier].jar)."""
    names = set()
    for component in bom.get("components", []):
        purl = component.get("purl", "")
        if not purl.startswith("pkg:maven/"):
            continue
        path, _, query = purl[len("pkg:maven/"):].partition("?")
        coordinates, _, version = path.partition("@")
        group, _, artifact = coordinates.partition("/")
        classifier = urllib.parse.parse_qs(query).get("classifier", [""])[0]
        names.add(f"{group}.{artifact}-{version}" + (f"-{classifier}" if classifier else "") + ".jar")
    return names


def main(bom_path, lib_dir):
    with open(bom_path) as f:
        bom = json.load(f)
    if bom.get("bomFormat") != "CycloneDX":
        sys.exit(f"{bom_path}: not a CycloneDX document")
    jars = [name for part in ("boot", "main") for name in os.listdir(os.path.join(lib_dir, part)) if name.endswith(".jar")]
    if not jars:
        sys.exit(f"{lib_dir}: no jars in lib/boot or lib/main")
    missing = sorted(set(jars) - jar_names_in(bom))
    if missing:
        sys.exit(f"{bom_path} leaves out {len(missing)} of the {len(jars)} runtime jars: {' '.join(missing)}")
    print(f"SBOM {bom['metadata']['component']['name']} (CycloneDX {bom['specVersion']}): "
          f"{len(bom['components'])} components, all {len(jars)} runtime jars listed")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
