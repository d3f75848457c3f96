#!/usr/bin/env bash
# Proves the Maven build makes multi-platform images (linux/amd64 and linux/arm64, README: "Container
# images"), on a machine that can pull from no image registry:
#  1. a registry of our own on loopback (Debian's docker-registry, storage in a temporary directory);
#  2. a two-platform base pushed to it as an OCI index: the amd64 root file system that
#     verify-worker-image.sh assembles and caches, and an arm64 one from Debian's arm64 packages
#     (debootstrap --foreign: unpacked, not configured, since no arm64 emulator runs here; so this proves
#     the index and the layering, not that Java starts on arm64), cached in $KT_CACHE too;
#  3. the worker and operator images built and pushed by the Maven build (Quarkus + Jib) with the
#     default platforms, then read back: each must be an index with an amd64 and an arm64 entry, each
#     entry's config of that architecture and layered on the base's entry of the same platform.
# Not run by CI (it adds a build and, uncached, two root file systems); run it after changing the image
# configuration. Everything it started is stopped and removed at the end. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

KT_CACHE=${KT_CACHE:-/var/cache/kubetracker-image-check}
REGISTRY=127.0.0.1:${REGISTRY_PORT:-25000}
WORK=$(mktemp -d /tmp/kt-multiarch-check.XXXXXX)

log() { printf '[multiarch-check %s] %s\n' "$(date +%T)" "$*"; }

REGISTRY_PID=
cleanup() {
  set +e
  [ -n "$REGISTRY_PID" ] && kill "$REGISTRY_PID" 2>/dev/null && wait "$REGISTRY_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

packages=(docker-registry debootstrap)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# debootstrap ROOTFS_TAR ARCH [--foreign]: a minimal bookworm with Java 17, as a tar, once.
assemble_rootfs() {
  local tar=$1 arch=$2 rootfs="$WORK/rootfs-$2"
  [ -s "$tar" ] && return
  log "assembling the $arch root file system from Debian packages (a few minutes once)"
  debootstrap ${3:-} --arch="$arch" --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" \
    http://deb.debian.org/debian > "$WORK/debootstrap-$arch.log" 2>&1 || { tail -20 "$WORK/debootstrap-$arch.log"; exit 1; }
  if [ "${3:-}" = --foreign ]; then
    # The first stage unpacks only the required packages; unpack the rest as the second stage would, and
    # point java where update-alternatives would.
    for deb in "$rootfs"/var/cache/apt/archives/*.deb; do dpkg-deb -x "$deb" "$rootfs"; done
    ln -sf "/usr/lib/jvm/java-17-openjdk-$arch/bin/java" "$rootfs/usr/bin/java"
    rm -rf "$rootfs/debootstrap"
  fi
  rm -rf "$rootfs/var/cache/apt/archives"/*.deb "$rootfs/var/lib/apt/lists"/*
  tar -C "$rootfs" -cf "$tar.part" . && mv "$tar.part" "$tar"
  rm -rf "$rootfs"
}
mkdir -p "$KT_CACHE"
assemble_rootfs "$KT_CACHE/base-rootfs.tar" amd64
assemble_rootfs "$KT_CACHE/base-rootfs-arm64.tar" arm64 --foreign

log "starting a registry on $REGISTRY"
cat > "$WORK/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $WORK/registry
http:
  addr: $REGISTRY
YAML
docker-registry serve "$WORK/registry.yml" > "$WORK/registry.log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 1 50); do curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "http://$REGISTRY/v2/" >/dev/null || { cat "$WORK/registry.log"; exit 1; }

result=$(python3 scripts/push-base-index.py "$REGISTRY" kubetracker-base:bookworm \
  "linux/amd64=$KT_CACHE/base-rootfs.tar" "linux/arm64=$KT_CACHE/base-rootfs-arm64.tar")
log "pushed the two-platform base $result"

log "building and pushing the worker and operator images with the Maven build (Jib), default platforms"
./mvnw -B -q -pl tracker-worker,operator package -DskipTests \
  -Dquarkus.container-image.build=true -Dquarkus.container-image.push=true \
  -Dquarkus.container-image.registry="$REGISTRY" -Dquarkus.container-image.insecure=true \
  -Dquarkus.jib.base-jvm-image="$REGISTRY/kubetracker-base:bookworm"

version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
for image in kubetracker/kubetracker-worker kubetracker/kubetracker-operator; do
  result=$(python3 scripts/check-image-index.py "$REGISTRY" "$image:$version" kubetracker-base:bookworm \
    linux/amd64 linux/arm64)
  log "$result"
done
log "OK: the worker and operator images are OCI indexes for linux/amd64 and linux/arm64, each on its platform's base"
