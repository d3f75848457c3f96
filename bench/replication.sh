#!/usr/bin/env bash
# What full replication costs, measured on real worker processes (issue 14): worker 1 takes UDP announces at
# a fixed rate with k siblings (k = 0, 1, 2, 4 by default; static sibling list on loopback, as the README's
# cluster), and we read every worker's CPU time from /proc. Worker 1's CPU per announce against k gives the
# send cost per sibling (the slope) and the local announce (k = 0); a sibling's CPU per record it applied
# gives the receive and apply cost (syscall, MAC, replay guard, parse, store). Each worker's idle CPU
# (3 s between the fill and the runs) is subtracted. Workers on TRACKER_CPU, the load on LOAD_CPU; every
# process started here is stopped on exit. Loopback only.
#
# Before the runs the model's peers announce once (--fill at FILL_RATE); the runs re-announce them in turn
# (--reannounce), the steady state. 1-3 minutes per k (the fill is most of it; 10 minutes in all on the
# busy 2-core VM of bench/RESULTS.md).
#
# Knobs (environment): SIBLINGS="0 1 2 4" RUNS=3 RATE=30000 (announces/s) DURATION=8s TORRENTS=50000
#   PEERS=500000 FILL_RATE=60000 TRACKER_CPU=1 LOAD_CPU=0 BASE_PORT=37300 (worker i: BASE_PORT+10i UDP, +1 management,
#   +2 cluster sync) KT_APP=tracker-worker/target/quarkus-app BENCH_JAR SKIP_BUILD=1 (never build) OUT
set -euo pipefail
cd "$(dirname "$0")/.."

SIBLINGS=${SIBLINGS:-0 1 2 4}
RUNS=${RUNS:-3}
RATE=${RATE:-30000}
DURATION=${DURATION:-8s}
TORRENTS=${TORRENTS:-50000}
PEERS=${PEERS:-500000}
FILL_RATE=${FILL_RATE:-60000}
TRACKER_CPU=${TRACKER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
BASE_PORT=${BASE_PORT:-37300}
KT_APP=${KT_APP:-tracker-worker/target/quarkus-app}
BENCH_JAR=${BENCH_JAR:-bench/target/kubetracker-bench.jar}
OUT=${OUT:-bench/target/replication-$(date +%Y%m%d-%H%M%S)}
# compare.sh's worker flags, one UDP socket, per-client limits off (one load generator sends everything).
KT_JVM_OPTS="-Xms16m -Xmx1g -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20"
KT_JVM_OPTS+=" -Dtracker.udp.sockets=1 -Dtracker.limits.requests-per-second=0 -Dtracker.limits.new-torrents-per-minute=0"
TICKS=$(getconf CLK_TCK)

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ ${SKIP_BUILD:-} != 1 && (! -f $BENCH_JAR || ! -f $KT_APP/quarkus-run.jar) ]]; then
  log "building tracker-worker and bench"
  ./mvnw -B -q -pl bench -am package -DskipTests
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)
PIDS=()

stop_workers() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  stop_workers
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_of() { echo $((BASE_PORT + 10 * $1)); }

wait_ready() { # management port: up to 60 s
  for _ in $(seq 600); do
    if curl -sf "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "the worker with management port $1 did not become ready" >&2
  return 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system, all threads

received() { # management port, metric name (tracker_cluster_records_total or tracker_cluster_datagrams_total)
  curl -sf "http://127.0.0.1:$1/q/metrics" |
    awk -v name="$2" '$0 ~ "^" name "\\{.*direction=\"received\"" {sum += $NF} END {printf "%d\n", sum}'
}

start_cluster() { # k: worker 1 and k siblings
  local k=$1 n=$(($1 + 1)) siblings="" cluster_opts=()
  for i in $(seq "$n"); do siblings+="${siblings:+,}127.0.0.1:$(($(port_of "$i") + 2))"; done
  if ((k > 0)); then
    head -c 32 /dev/urandom >"$WORK/cluster.key"
    cluster_opts=(-Dtracker.cluster.peers="$siblings" -Dtracker.cluster.key-file="$WORK/cluster.key")
  fi
  for i in $(seq "$n"); do
    local port
    port=$(port_of "$i")
    # shellcheck disable=SC2086
    taskset -c "$TRACKER_CPU" java $KT_JVM_OPTS "${cluster_opts[@]}" -Dtracker.cluster.port=$((port + 2)) \
      -Dtracker.host=127.0.0.1 -Dtracker.http.port="$port" -Dtracker.udp.port="$port" \
      -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=$((port + 1)) \
      -jar "$KT_APP/quarkus-run.jar" >>"$OUT/worker-k$k-$i.log" 2>&1 &
    PIDS+=("$!")
  done
  for i in $(seq "$n"); do wait_ready $(($(port_of "$i") + 1)); done
}

load() { # rate, duration, then more bench options
  local rate=$1 duration=$2
  shift 2
  taskset -c "$LOAD_CPU" java -XX:+UseSerialGC -jar "$BENCH_JAR" udp --port "$(port_of 1)" --rate "$rate" \
    --duration "$duration" --warmup 0s --scrape-every 0 --torrents "$TORRENTS" --peers "$PEERS" "$@"
}

{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; workers on core $TRACKER_CPU, load on core $LOAD_CPU"
  echo "load: $RATE announces/s for $DURATION, $RUNS runs per k; model $PEERS peers over $TORRENTS torrents"
} | tee "$OUT/setup.txt"
printf 'k\trun\tannounces\tworker1_us_per_announce\tsibling_us_per_record\trecords_applied_per_sibling\trecords_per_datagram\tidle_cores_worker1\tidle_cores_sibling\n' |
  tee "$OUT/runs.tsv"

for k in $SIBLINGS; do
  log "k=$k: worker 1 and $k siblings"
  start_cluster "$k"
  n=$((k + 1))
  load "$FILL_RATE" 120s --fill >"$OUT/k$k-fill.txt" # every peer once; warms the JIT too
  declare -a before=() idle=()
  sleep 1 # the last sync datagrams of the fill
  for i in $(seq "$n"); do before[i]=$(cpu_ticks "${PIDS[i - 1]}"); done
  sleep 3
  for i in $(seq "$n"); do idle[i]=$(($(cpu_ticks "${PIDS[i - 1]}") - before[i])); done # ticks in 3 s
  for run in $(seq "$RUNS"); do
    declare -a cpu=() recs=() grams=()
    for i in $(seq "$n"); do cpu[i]=$(cpu_ticks "${PIDS[i - 1]}"); done
    for i in $(seq 2 "$n"); do
      recs[i]=$(received $(($(port_of "$i") + 1)) tracker_cluster_records_total)
      grams[i]=$(received $(($(port_of "$i") + 1)) tracker_cluster_datagrams_total)
    done
    started=$(date +%s.%N)
    load "$RATE" "$DURATION" --reannounce --json "$OUT/runs.jsonl" --scenario "k$k-run$run" >"$OUT/k$k-run$run.txt"
    sleep 0.5 # the last datagrams reach the siblings
    seconds=$(echo "$(date +%s.%N) - $started" | bc -l)
    announces=$(tail -1 "$OUT/runs.jsonl" | sed -n 's/.*"announce":{"ok":\([0-9]*\).*/\1/p')
    w1=$(echo "($(cpu_ticks "${PIDS[0]}") - ${cpu[1]} - ${idle[1]} * $seconds / 3) / $TICKS / $announces * 1000000" | bc -l)
    per_record="-" applied="-" per_datagram="-"
    idle_w1=$(echo "${idle[1]} / 3 / $TICKS" | bc -l) idle_sibling=0
    if ((k > 0)); then
      total_cpu=0 total_records=0 total_datagrams=0
      for i in $(seq 2 "$n"); do
        total_cpu=$(echo "$total_cpu + $(cpu_ticks "${PIDS[i - 1]}") - ${cpu[i]} - ${idle[i]} * $seconds / 3" | bc -l)
        total_records=$((total_records + $(received $(($(port_of "$i") + 1)) tracker_cluster_records_total) - recs[i]))
        total_datagrams=$((total_datagrams + $(received $(($(port_of "$i") + 1)) tracker_cluster_datagrams_total) - grams[i]))
      done
      per_record=$(echo "$total_cpu / $TICKS / $total_records * 1000000" | bc -l)
      applied=$((total_records / k))
      per_datagram=$((total_records / total_datagrams))
      idle_sibling=$(echo "${idle[2]} / 3 / $TICKS" | bc -l)
    fi
    [[ $per_record == - ]] || per_record=$(printf '%.2f' "$per_record")
    printf '%d\t%d\t%d\t%.2f\t%s\t%s\t%s\t%.3f\t%.3f\n' "$k" "$run" "$announces" "$w1" "$per_record" "$applied" "$per_datagram" \
      "$idle_w1" "$idle_sibling" | tee -a "$OUT/runs.tsv"
  done
  stop_workers
done
log "results in $OUT (runs.tsv; runs.jsonl: the load generator's JSON lines)"
