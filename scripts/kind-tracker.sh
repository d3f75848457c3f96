#!/usr/bin/env bash
# For users, not run in CI (no Kubernetes API server can run on the build machines): runs the operator
# and a Tracker on a local kind cluster and announces to it once.
#  1. builds the worker and operator images with the Maven build (Quarkus + Jib) into the local Docker engine;
#  2. creates a kind cluster (or reuses one of that name) and loads both images into its nodes;
#  3. installs the chart (CRD, operator with leader election, namespace-scoped RBAC) into kubetracker-system;
#  4. applies examples/tracker-minimal.yaml there and waits for the Tracker's Ready condition;
#  5. announces once over HTTP through a port-forward to the client Service (kind has no load balancer).
# Needs docker, kind, kubectl and helm on the PATH. KEEP_CLUSTER=1 keeps the cluster afterwards;
# otherwise a cluster this script created is deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER=${CLUSTER:-kubetracker}
NAMESPACE=${NAMESPACE:-kubetracker-system}
REGISTRY=kind.local
GROUP=kubetracker
# the project version (ImageNamesTest keeps the chart's appVersion equal to it)
VERSION=$(sed -n 's/^appVersion: "\(.*\)"$/\1/p' charts/kubetracker/Chart.yaml)
WORKER_IMAGE="$REGISTRY/$GROUP/kubetracker-worker:$VERSION"
OPERATOR_IMAGE="$REGISTRY/$GROUP/kubetracker-operator:$VERSION"
LOCAL_PORT=${LOCAL_PORT:-16969}

log() { printf '[kind-tracker %s] %s\n' "$(date +%T)" "$*"; }

for tool in docker kind kubectl helm curl; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

CREATED=
FORWARD_PID=
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  set +e
  if [ -n "$FORWARD_PID" ]; then
    kill "$FORWARD_PID" 2>/dev/null
  fi
  if [ -n "$CREATED" ] && [ "${KEEP_CLUSTER:-0}" != 1 ]; then
    log "deleting the kind cluster $CLUSTER (KEEP_CLUSTER=1 keeps it)"
    kind delete cluster --name "$CLUSTER"
  fi
}
trap cleanup EXIT

log "building the images $WORKER_IMAGE and $OPERATOR_IMAGE"
./mvnw -q package -DskipTests -pl tracker-worker,operator -am \
  -Dquarkus.container-image.build=true \
  -Dquarkus.container-image.registry="$REGISTRY" \
  -Dquarkus.container-image.group="$GROUP"

if kind get clusters | grep -qx "$CLUSTER"; then
  log "reusing the kind cluster $CLUSTER"
else
  log "creating the kind cluster $CLUSTER"
  kind create cluster --name "$CLUSTER" --wait 120s
  CREATED=1
fi
kubectl config use-context "kind-$CLUSTER" >/dev/null

log "loading the images into the cluster's nodes"
kind load docker-image --name "$CLUSTER" "$WORKER_IMAGE" "$OPERATOR_IMAGE"

log "installing the chart into $NAMESPACE"
helm upgrade --install kubetracker charts/kubetracker --namespace "$NAMESPACE" --create-namespace \
  --set image.repository="$REGISTRY/$GROUP/kubetracker-operator" \
  --set image.tag="$VERSION" --set image.pullPolicy=Never \
  --set workerImage.repository="$REGISTRY/$GROUP/kubetracker-worker" \
  --set workerImage.tag="$VERSION" \
  --wait --timeout 5m

log "applying examples/tracker-minimal.yaml"
kubectl apply --namespace "$NAMESPACE" -f examples/tracker-minimal.yaml
# kind has no load balancer: the client Service stays without an address, so Ready says so in its message
kubectl wait --namespace "$NAMESPACE" --for=condition=Ready --timeout=10m tracker/tracker
kubectl get trackers --namespace "$NAMESPACE" -o wide

log "announcing once through a port-forward to the client Service"
kubectl port-forward --namespace "$NAMESPACE" service/tracker "$LOCAL_PORT:6969" >/dev/null 2>&1 &
FORWARD_PID=$!
hash='%01%23%45%67%89%ab%cd%ef%01%23%45%67%89%ab%cd%ef%01%23%45%67'
peer='-KT0001-000000000001'
for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$LOCAL_PORT/announce?info_hash=$hash&peer_id=$peer&port=6881&uploaded=0&downloaded=0&left=0&compact=1&event=started" | cat -v; then
    echo
    log "the tracker answered the announce above (bencoded); KEEP_CLUSTER=1 to keep playing with it"
    exit 0
  fi
  sleep 0.2
done
echo "no announce reply through the port-forward" >&2
exit 1
