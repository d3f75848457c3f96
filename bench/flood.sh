#!/usr/bin/env bash
# Flood benchmark (issue 12, "stay up under abuse"): workers started with the container image's JVM flags
# in a 1 GiB memory limit (-XX:MaxRAM=1g stands in for the container's limit: it sizes the heap as the
# image would, and the report compares each worker's RSS with LIMIT_BYTES), flooded over UDP with
# announces of new torrents (one peer each) while four well-behaved clients re-announce known peers at
# 200/s. Three scenarios, each on fresh workers:
#   A  one flooding client (--sources 1), the default per-client limits: the limits are what stop it;
#   B  64 flooding addresses, the per-client limits off: the store budget is what stops it;
#   C  three workers in a cluster (static sibling list), the flood as in B sent to worker 1 only; all
#      three sampled, each must stay alive.
# The bench's `flood` command prints a summary and a JSON line per scenario (also appended to
# OUT/runs.jsonl); worker logs go to OUT. Every process started here is stopped on exit. Loopback only.
#
# Knobs (environment): DURATION=240s SCENARIOS="A B C" SKIP_BUILD (default: build only if a jar is
#   missing; 0 forces a build) TRACKER_CPU=1 LOAD_CPU=0 BASE_PORT=37100 (worker i uses BASE_PORT+10i for
#   UDP and HTTP, +1 management, +2 cluster sync) LIMIT_BYTES=1073741824 KT_APP=tracker-worker/target/quarkus-app
#   FLOOD_OPTS (more options for the flood command, e.g. "--window 512") WORKER_OPTS (more JVM options for
#   every worker, e.g. "-Dtracker.store-budget=16M" to reach the budget within a short smoke run)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-240s}
SCENARIOS=${SCENARIOS:-A B C}
TRACKER_CPU=${TRACKER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
BASE_PORT=${BASE_PORT:-37100}
LIMIT_BYTES=${LIMIT_BYTES:-1073741824}
KT_APP=${KT_APP:-tracker-worker/target/quarkus-app}
BENCH_JAR=${BENCH_JAR:-bench/target/kubetracker-bench.jar}
FLOOD_OPTS=${FLOOD_OPTS:-}
WORKER_OPTS=${WORKER_OPTS:-}
OUT=${OUT:-bench/target/flood-$(date +%Y%m%d-%H%M%S)}
# The worker image's JVM arguments (tracker-worker's quarkus.jib.jvm-arguments), as in a 1 GiB container.
IMAGE_FLAGS="-XX:MaxRAM=1g $(sed -n 's/^quarkus\.jib\.jvm-arguments=//p' \
  tracker-worker/src/main/resources/application.properties | tr ',' ' ')"
NO_LIMITS="-Dtracker.limits.new-torrents-per-minute=0 -Dtracker.limits.requests-per-second=0"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ ${SKIP_BUILD:-} != 1 ]] && [[ ${SKIP_BUILD:-} == 0 || ! -f $BENCH_JAR || ! -f $KT_APP/quarkus-run.jar ]]; then
  log "building tracker-worker and bench"
  ./mvnw -B -q -pl bench -am package -DskipTests
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RESULTS="$OUT/runs.jsonl"
WORK=$(mktemp -d)
PIDS=()

stop_workers() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}
cleanup() {
  stop_workers
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_ready() { # management port: up to 60 s until the worker reports ready
  for _ in $(seq 600); do
    if curl -sf "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "the worker with management port $1 did not become ready" >&2
  return 1
}

start_worker() { # index (1..), then extra JVM options
  local i=$1 port=$((BASE_PORT + 10 * $1))
  shift
  for p in "$port" $((port + 1)) $((port + 2)); do
    if listening "$p"; then
      echo "port $p is taken; set BASE_PORT" >&2
      exit 1
    fi
  done
  # shellcheck disable=SC2086
  taskset -c "$TRACKER_CPU" java $IMAGE_FLAGS $WORKER_OPTS "$@" -Dtracker.host=127.0.0.1 -Dtracker.http.port="$port" \
    -Dtracker.udp.port="$port" -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=$((port + 1)) \
    -jar "$KT_APP/quarkus-run.jar" >>"$OUT/worker-$SCENARIO-$i.log" 2>&1 &
  PIDS+=("$!")
}

# flood SOURCES: floods worker 1 and samples every worker started for this scenario
flood() {
  local pids metrics
  pids=$(IFS=,; echo "${PIDS[*]}")
  metrics=""
  for i in $(seq ${#PIDS[@]}); do
    metrics+="${metrics:+,}http://127.0.0.1:$((BASE_PORT + 10 * i + 1))/q/metrics"
  done
  # shellcheck disable=SC2086
  taskset -c "$LOAD_CPU" java -XX:+UseSerialGC -jar "$BENCH_JAR" flood --port $((BASE_PORT + 10)) \
    --duration "$DURATION" --sources "$1" --pid "$pids" --metrics "$metrics" --limit-bytes "$LIMIT_BYTES" \
    --scenario "$SCENARIO" --json "$RESULTS" $FLOOD_OPTS | tee "$OUT/$SCENARIO.txt"
}

{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; workers on core $TRACKER_CPU, load on core $LOAD_CPU"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "worker flags: $IMAGE_FLAGS $WORKER_OPTS; duration $DURATION"
} | tee "$OUT/setup.txt"

for s in $SCENARIOS; do
  case $s in
    A)
      SCENARIO=A-one-client
      log "scenario $SCENARIO: one flooding address, default per-client limits"
      start_worker 1
      wait_ready $((BASE_PORT + 11))
      flood 1
      ;;
    B)
      SCENARIO=B-64-addresses
      log "scenario $SCENARIO: 64 flooding addresses, per-client limits off"
      # shellcheck disable=SC2086
      start_worker 1 $NO_LIMITS
      wait_ready $((BASE_PORT + 11))
      flood 64
      ;;
    C)
      SCENARIO=C-cluster
      log "scenario $SCENARIO: three workers, 64 flooding addresses to worker 1, per-client limits off"
      head -c 32 /dev/urandom >"$WORK/cluster.key"
      head -c 32 /dev/urandom >"$WORK/connection-id.key"
      siblings=""
      for i in 1 2 3; do siblings+="${siblings:+,}127.0.0.1:$((BASE_PORT + 10 * i + 2))"; done
      for i in 1 2 3; do
        # shellcheck disable=SC2086
        start_worker "$i" $NO_LIMITS -Dtracker.cluster.port=$((BASE_PORT + 10 * i + 2)) \
          -Dtracker.cluster.peers="$siblings" -Dtracker.cluster.key-file="$WORK/cluster.key" \
          -Dtracker.udp.connection-id.key-file="$WORK/connection-id.key"
      done
      for i in 1 2 3; do wait_ready $((BASE_PORT + 10 * i + 1)); done
      flood 64
      ;;
    *)
      echo "unknown scenario $s (A, B or C)" >&2
      exit 2
      ;;
  esac
  stop_workers
done
log "results in $OUT (runs.jsonl: one JSON line per scenario)"
