#!/usr/bin/env bash
# Side-by-side benchmark of kubetracker and Debian's opentracker on this machine:
#   1. throughput and latency: both trackers pinned to the same core (TRACKER_CPU), the load generator to
#      another (LOAD_CPU); a warm-up run per scenario, then ROUNDS rounds that alternate which tracker goes
#      first; a Markdown table of medians and ratios (kubetracker / opentracker);
#   2. memory: each tracker fresh, filled with MEM_PEERS peers over MEM_TORRENTS torrents (IPv4), RSS delta per
#      peer, and for kubetracker the live heap after a full GC;
#   3. full scrape of that filled state: time, size, plain and gzip, checked to be complete bencode.
# Everything goes to OUT (bench/target/compare-<time>/); nothing is left running. Where netfilter's
# conntrack is loaded, its time_wait timeout is set to 1 s for the run and put back on exit (see below).
#
# Knobs (environment): ROUNDS=3 DURATION=8s WARMUP=2s TRACKER_CPU=1 LOAD_CPU=0 THROUGHPUT=1 MEMORY=1 SKIP_BUILD=0
#   KT_APP=tracker-worker/target/quarkus-app  KT_JVM_OPTS (default below: a lean serial-GC heap that
#   follows the live data, and glibc's free memory given back every second)
#   TORRENTS=1000000 PEERS=2000000 MEM_PEERS=1000000 MEM_TORRENTS=100000 OT_PORT=36969 KT_PORT=36970
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-2s}
TRACKER_CPU=${TRACKER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
THROUGHPUT=${THROUGHPUT:-1}
MEMORY=${MEMORY:-1}
KT_APP=${KT_APP:-tracker-worker/target/quarkus-app}
KT_JVM_OPTS=${KT_JVM_OPTS:--Xms16m -Xmx1g -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=1000}
# Per-client limits off: the load generator is a whole tracker's traffic from 64 addresses, and
# opentracker has no such limits. Set KT_LIMIT_OPTS= (empty) for a build older than the limits.
KT_LIMIT_OPTS=${KT_LIMIT_OPTS--Dtracker.limits.requests-per-second=0 -Dtracker.limits.new-torrents-per-minute=0}
TORRENTS=${TORRENTS:-1000000}
PEERS=${PEERS:-2000000}
MEM_PEERS=${MEM_PEERS:-1000000}
MEM_TORRENTS=${MEM_TORRENTS:-100000}
OT_PORT=${OT_PORT:-36969}
KT_PORT=${KT_PORT:-36970}
KT_MANAGEMENT_PORT=${KT_MANAGEMENT_PORT:-36971}
OUT=${OUT:-bench/target/compare-$(date +%Y%m%d-%H%M%S)}
BENCH_JAR=${BENCH_JAR:-bench/target/kubetracker-bench.jar}

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RESULTS="$OUT/runs.jsonl"
WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()

CONNTRACK_TIME_WAIT=/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait
CONNTRACK_TIME_WAIT_WAS=""

cleanup() {
  if [[ -n $CONNTRACK_TIME_WAIT_WAS ]]; then
    echo "$CONNTRACK_TIME_WAIT_WAS" >"$CONNTRACK_TIME_WAIT" 2>/dev/null || true
  fi
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- prerequisites -------------------------------------------------------------------------------------
if ! command -v opentracker >/dev/null; then
  log "installing Debian's opentracker"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends opentracker >/dev/null
fi
if ! id _opentracker >/dev/null 2>&1; then
  echo "the opentracker package should have created the user _opentracker" >&2
  exit 1
fi
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  log "building tracker-worker and bench"
  ./mvnw -B -q package -DskipTests -pl tracker-worker,bench
fi
KT_APP=$(cd "$KT_APP" && pwd)

# With netfilter's connection tracking loaded (here, by the container runtime), every closed connection
# stays in its table for two minutes; a connection-per-request run opens ~10,000 a second, fills the
# table (262,144 entries), and the kernel then drops SYNs: one-second stalls for whichever tracker runs
# next. For the run, closed connections leave the table after a second; the old value is put back on exit.
if [[ -w $CONNTRACK_TIME_WAIT ]]; then
  CONNTRACK_TIME_WAIT_WAS=$(cat "$CONNTRACK_TIME_WAIT")
  echo 1 >"$CONNTRACK_TIME_WAIT"
fi

bench() { taskset -c "$LOAD_CPU" java -XX:+UseSerialGC -jar "$BENCH_JAR" "$@"; }

# opentracker from Debian is built closed: it needs a whitelist, read from inside its -d (chroot) folder.
bench hashes --torrents "$TORRENTS" >"$WORK/whitelist.txt"
chmod 644 "$WORK/whitelist.txt"

wait_tcp() { # port: wait up to 30 s until something listens
  for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

start_opentracker() { # port
  taskset -c "$TRACKER_CPU" opentracker -i 127.0.0.1 -p "$1" -P "$1" -d "$WORK" -u _opentracker \
    -w /whitelist.txt -A 127.0.0.1 >>"$OUT/opentracker.log" 2>&1 &
  OT_PID=$!
  PIDS+=("$OT_PID")
  wait_tcp "$1"
}

start_kubetracker() { # port
  # shellcheck disable=SC2086
  taskset -c "$TRACKER_CPU" java $KT_JVM_OPTS $KT_LIMIT_OPTS -Dtracker.host=127.0.0.1 -Dtracker.http.port="$1" \
    -Dtracker.udp.port="$1" -Dtracker.udp.sockets=1 -Dquarkus.management.host=127.0.0.1 \
    -Dquarkus.management.port="$KT_MANAGEMENT_PORT" -jar "$KT_APP/quarkus-run.jar" >>"$OUT/kubetracker.log" 2>&1 &
  KT_PID=$!
  PIDS+=("$KT_PID")
  wait_tcp "$1"
}

stop() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# --- 1. throughput and latency -----------------------------------------------------------------------
{
  echo "date: $(date -u +%FT%TZ)"
  echo "kernel: $(uname -sr)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; trackers on core $TRACKER_CPU, load on core $LOAD_CPU"
  echo "java: $(java -version 2>&1 | head -2 | tail -1)"
  echo "opentracker: $(dpkg-query -W -f '${Version}' opentracker 2>/dev/null || echo unknown)"
  echo "kubetracker JVM flags: $KT_JVM_OPTS $KT_LIMIT_OPTS"
  if [[ -n $CONNTRACK_TIME_WAIT_WAS ]]; then
    echo "conntrack: loaded; its time_wait timeout ($CONNTRACK_TIME_WAIT_WAS s) set to 1 s for the run"
  else
    echo "conntrack: not loaded"
  fi
  if [[ ${SKIP_BUILD:-0} == 1 ]]; then
    echo "kubetracker: prebuilt $KT_APP ($(unzip -p "$KT_APP/app/"*.jar META-INF/MANIFEST.MF 2>/dev/null \
      | sed -n 's/^Implementation-Version: *//p' | tr -d '\r' || true))"
  else
    echo "kubetracker commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  fi
  echo "model: $TORRENTS torrents, $PEERS peers, 75% seeders, numwant 30; rounds $ROUNDS of $DURATION after $WARMUP"
} >"$OUT/environment.txt"
cat "$OUT/environment.txt" >&2

if [[ $THROUGHPUT == 1 ]]; then
start_opentracker "$OT_PORT"
start_kubetracker "$KT_PORT"

SCENARIOS=(udp udp-connect-each http-close http-keepalive)
scenario_args() {
  case $1 in
    udp) echo "udp" ;;
    udp-connect-each) echo "udp --connect-each --scrape-every 0" ;;
    http-close) echo "http --no-keepalive" ;;
    http-keepalive) echo "http" ;;
  esac
}

run() { # scenario tracker duration warmup [json]
  local port pid
  if [[ $2 == opentracker ]]; then port=$OT_PORT pid=$OT_PID; else port=$KT_PORT pid=$KT_PID; fi
  local text
  # shellcheck disable=SC2046
  text=$(bench $(scenario_args "$1") --port "$port" --pid "$pid" --tracker "$2" --scenario "$1" \
    --torrents "$TORRENTS" --peers "$PEERS" --duration "$3" --warmup "$4" ${5:+--json "$5"})
  echo "$text" >>"$OUT/runs.txt"
  grep -v '^{' <<<"$text" >&2
}

trackers_for() { # scenario: opentracker closes every HTTP connection, so keep-alive is ours alone
  if [[ $1 == http-keepalive ]]; then echo kubetracker; else echo kubetracker opentracker; fi
}

log "warm-up (not counted)"
for s in "${SCENARIOS[@]}"; do
  for t in $(trackers_for "$s"); do
    run "$s" "$t" 5s 1s
  done
done

for round in $(seq "$ROUNDS"); do
  log "round $round of $ROUNDS"
  for s in "${SCENARIOS[@]}"; do
    order=$(trackers_for "$s")
    if ((round % 2 == 0)); then order=$(echo "$order" | tr ' ' '\n' | tac | tr '\n' ' '); fi
    for t in $order; do
      run "$s" "$t" "$DURATION" "$WARMUP" "$RESULTS"
    done
  done
done
stop "$OT_PID"
stop "$KT_PID"

bench compare "$RESULTS" >"$OUT/table.md"
fi

# --- 2 and 3. memory per peer, full scrape -----------------------------------------------------------
if [[ $MEMORY == 1 ]]; then
  MEM_SOURCES=64
  {
    echo "| tracker | peers stored | torrents | RSS before (MiB) | RSS after (MiB) | RSS bytes per peer | live heap after GC (MiB) | full scrape plain: s, bytes, valid | gzip: s, bytes, valid |"
    echo "|---|---|---|---|---|---|---|---|---|"
  } >"$OUT/memory.md"
  for t in opentracker kubetracker; do
    log "memory: filling $t with $MEM_PEERS peers over $MEM_TORRENTS torrents"
    if [[ $t == opentracker ]]; then start_opentracker "$OT_PORT"; pid=$OT_PID port=$OT_PORT
    else start_kubetracker "$KT_PORT"; pid=$KT_PID port=$KT_PORT; fi
    sleep 2
    before=$(rss_kb "$pid")
    bench udp --fill --port "$port" --tracker "$t" --scenario fill --torrents "$MEM_TORRENTS" \
      --peers "$MEM_PEERS" --sources "$MEM_SOURCES" --numwant 0 --scrape-every 0 --warmup 0 --window 64 \
      --duration 300s >>"$OUT/fill.txt"
    sleep 2
    after=$(rss_kb "$pid")
    stored=$(curl -s --max-time 10 "http://127.0.0.1:$port/stats?mode=peer" | head -1)
    torrents=$(curl -s --max-time 10 "http://127.0.0.1:$port/stats?mode=torr" | head -1)
    heap="—"
    if [[ $t == kubetracker ]]; then
      # GC.class_histogram runs a full GC first; its total is the live heap
      live=$(jcmd "$pid" GC.class_histogram 2>/dev/null | awk '/^Total/ {print $3}')
      [[ -n $live ]] && heap=$(awk -v b="$live" 'BEGIN {printf "%.1f", b / 1048576}')
    fi
    scrape=()
    for enc in plain gzip; do
      file="$OUT/fullscrape-$t.$enc"
      header=()
      [[ $enc == gzip ]] && header=(-H 'Accept-Encoding: gzip')
      if ! timing=$(curl -s --max-time 120 "${header[@]}" -o "$file" -w '%{time_total}' "http://127.0.0.1:$port/scrape")
      then
        timing="$timing (curl: transfer failed)"
      fi
      check=$(bench check-scrape "$file" ${header:+--gzip})
      echo "$t $enc $timing $check" >>"$OUT/fullscrape.txt"
      valid=$(sed -n 's/.*"valid":\([a-z]*\).*/\1/p' <<<"$check")
      listed=$(sed -n 's/.*"torrents":\([0-9]*\).*/\1/p' <<<"$check")
      scrape+=("${timing} s, $(stat -c %s "$file") B, ${valid} (${listed} torrents)")
    done
    awk -v t="$t" -v s="$stored" -v n="$torrents" -v b="$before" -v a="$after" -v h="$heap" \
      -v p="${scrape[0]}" -v g="${scrape[1]}" 'BEGIN {
        printf "| %s | %d | %d | %.1f | %.1f | %.1f | %s | %s | %s |\n", t, s, n, b / 1024, a / 1024,
          (s > 0 ? (a - b) * 1024 / s : 0), h, p, g }' >>"$OUT/memory.md"
    stop "$pid"
  done
fi

if [[ $THROUGHPUT == 1 ]]; then
  echo
  echo "## Throughput and latency (medians of $ROUNDS rounds; ratio = kubetracker / opentracker)"
  echo
  cat "$OUT/table.md"
fi
if [[ $MEMORY == 1 ]]; then
  echo
  echo "## Memory ($MEM_PEERS IPv4 peers over $MEM_TORRENTS torrents) and full scrape"
  echo
  cat "$OUT/memory.md"
fi
echo
echo "(all output in $OUT)"
