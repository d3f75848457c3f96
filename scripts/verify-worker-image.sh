#!/usr/bin/env bash
# Proves the worker's container image really runs, on a machine that can pull from no image registry:
#  1. a Docker engine of our own (Debian's docker.io), private data dir, no bridge network;
#  2. a base image assembled from Debian packages (debootstrap: minimal bookworm + openjdk-17-jre-headless),
#     imported into that engine (cached in $KT_CACHE between runs);
#  3. the worker and operator images built by the Maven build itself (Quarkus + Jib) on that base, loaded
#     into the engine (the operator image is inspected only: it needs a Kubernetes API to run), for this
#     machine's platform only (the base is single-platform); each image's SBOM (META-INF/sbom/bom.json in
#     its application jar) must list every jar the image runs with (scripts/check-sbom.py);
#  4. the container run on the host network, checked (non-root, ready), and two real BitTorrent clients
#     complete a download through it over http:// and udp://.
# Everything it started is stopped and removed at the end, whatever happens. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

KT_CACHE=${KT_CACHE:-/var/cache/kubetracker-image-check}
PORT=${PORT:-26969}
MGMT=${MGMT:-29009}
BASE_IMAGE=kubetracker-base:debian-bookworm
WORK=$(mktemp -d /tmp/kt-image-check.XXXXXX)
export DOCKER_HOST="unix://$WORK/docker.sock"
CONTAINER=kt-worker-image-check

log() { printf '[image-check %s] %s\n' "$(date +%T)" "$*"; }

DOCKERD_PID=
cleanup() {
  set +e
  if [ -S "$WORK/docker.sock" ]; then
    docker rm -f "$CONTAINER" >/dev/null 2>&1
  fi
  if [ -n "$DOCKERD_PID" ]; then
    kill "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
  fi
  pkill -f "containerd --config $WORK" 2>/dev/null
  # The engine leaves mounts (its network namespace, overlay layers) below its directories.
  grep -o " $WORK[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

packages=(docker.io debootstrap aria2 mktorrent python3-libtorrent curl)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

log "starting a private Docker engine (no bridge, no iptables)"
dockerd --data-root "$WORK/data" --exec-root "$WORK/exec" --pidfile "$WORK/docker.pid" \
  -H "$DOCKER_HOST" --bridge=none --iptables=false --ip-masq=false > "$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
docker info >/dev/null || { cat "$WORK/dockerd.log"; exit 1; }

mkdir -p "$KT_CACHE"
if [ ! -s "$KT_CACHE/base-rootfs.tar" ]; then
  log "assembling the base image from Debian packages (debootstrap, a few minutes once)"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$WORK/rootfs" \
    http://deb.debian.org/debian > "$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; exit 1; }
  rm -rf "$WORK/rootfs/var/cache/apt/archives"/*.deb "$WORK/rootfs/var/lib/apt/lists"/*
  tar -C "$WORK/rootfs" -cf "$KT_CACHE/base-rootfs.tar.part" . && mv "$KT_CACHE/base-rootfs.tar.part" "$KT_CACHE/base-rootfs.tar"
fi
docker import "$KT_CACHE/base-rootfs.tar" "$BASE_IMAGE" >/dev/null
log "base image $BASE_IMAGE: $(docker run --rm "$BASE_IMAGE" java -version 2>&1 | head -1)"

log "building the worker and operator images with the Maven build (Jib), on the local base"
./mvnw -B -q -pl tracker-worker,operator package -DskipTests \
  -Dquarkus.container-image.build=true \
  -Dquarkus.jib.base-jvm-image="docker://$BASE_IMAGE" -Dquarkus.jib.platforms=linux/amd64 \
  -Dquarkus.jib.docker-environment.DOCKER_HOST="$DOCKER_HOST"
IMAGE=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep kubetracker-worker | head -1)
[ -n "$IMAGE" ] || { log "no worker image was built"; exit 1; }
log "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE") bytes, user $(docker image inspect -f '{{.Config.User}}' "$IMAGE"))"
OPERATOR_IMAGE=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep kubetracker-operator | head -1)
[ -n "$OPERATOR_IMAGE" ] || { log "no operator image was built"; exit 1; }
[ "$(docker image inspect -f '{{.Config.User}}' "$OPERATOR_IMAGE")" = 10001 ] || { log "the operator image is not non-root"; exit 1; }
log "built $OPERATOR_IMAGE (needs a Kubernetes API to run, so it is only built and inspected here)"

# The SBOM ships in the image, inside the application jar; it must name every jar of the image.
check_sbom() {
  local image=$1 dir="$WORK/sbom-check-$2" workdir container result
  workdir=$(docker image inspect -f '{{.Config.WorkingDir}}' "$image")
  container=$(docker create "$image")
  mkdir -p "$dir"
  docker cp "$container:$workdir/lib" "$dir/lib" >/dev/null
  docker cp "$container:$workdir/app" "$dir/app" >/dev/null
  docker rm "$container" >/dev/null
  python3 -c 'import sys, zipfile, glob
[jar] = glob.glob(sys.argv[1] + "/app/*.jar")
open(sys.argv[1] + "/bom.json", "wb").write(zipfile.ZipFile(jar).read("META-INF/sbom/bom.json"))' "$dir"
  result=$(python3 scripts/check-sbom.py "$dir/bom.json" "$dir/lib")
  log "$image: $result"
}
check_sbom "$IMAGE" worker
check_sbom "$OPERATOR_IMAGE" operator

log "running it on the host network"
docker run -d --name "$CONTAINER" --network host \
  -e TRACKER_HTTP_PORT="$PORT" -e TRACKER_UDP_PORT="$PORT" -e QUARKUS_MANAGEMENT_PORT="$MGMT" \
  "$IMAGE" >/dev/null
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$MGMT/q/health/ready" >/dev/null 2>&1 && break
  docker inspect -f '{{.State.Running}}' "$CONTAINER" | grep -q true || { docker logs "$CONTAINER"; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$MGMT/q/health/ready" >/dev/null || { docker logs "$CONTAINER"; exit 1; }
uid=$(docker exec "$CONTAINER" id -u)
[ "$uid" != 0 ] || { log "the worker runs as root"; exit 1; }
log "ready, running as uid $uid"

for url in "http://127.0.0.1:$PORT/announce" "udp://127.0.0.1:$PORT/announce"; do
  for client in libtorrent aria2; do
    /usr/bin/python3 tracker-worker/src/test/realclient/download_through_tracker.py \
      --tracker "$url" --client "$client" --timeout-s 90 | tail -1
  done
done
log "container log tail:"
docker logs "$CONTAINER" 2>&1 | tail -5
log "OK: the worker image starts, runs as non-root, and real clients download through it over HTTP and UDP"
