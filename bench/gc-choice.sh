#!/usr/bin/env bash
# One JVM configuration of the worker over fresh starts, as issue 13 chose the collector: per start a fresh
# worker pinned to TRACKER_CPU in a 1 GiB memory cgroup (cgroup v1, as root), its RSS SETTLE s after the
# start and after a fill of 1,000,000 IPv4 peers over 100,000 torrents, then four UDP workloads on that
# state (announces at window 64 and 16, scrapes of 74 and of 1 hash): requests per tracker CPU-second, p99.9,
# and the longest GC pause while they ran (from -Xlog:gc). About 50 s per start.
#
#   bench/gc-choice.sh LABEL STARTS JVM-FLAGS...
#   e.g. bench/gc-choice.sh shenandoah 3 -XX:MaxRAMPercentage=70 -XX:+UseShenandoahGC -XX:ShenandoahGCHeuristics=compact
#
# Knobs: KT_APP=tracker-worker/target/quarkus-app BENCH_JAR=bench/target/kubetracker-bench.jar TRACKER_CPU=1
#   LOAD_CPU=0 DURATION=6s SETTLE=5 OUT=bench/target/gc-choice-LABEL. Nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."
if (($# < 2)) || ! [[ $2 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bench/gc-choice.sh LABEL STARTS [JVM-FLAGS...]   (STARTS: a positive number)" >&2
  exit 2
fi
LABEL=$1 STARTS=$2
shift 2
KT_APP=${KT_APP:-tracker-worker/target/quarkus-app}
BENCH_JAR=${BENCH_JAR:-bench/target/kubetracker-bench.jar}
TRACKER_CPU=${TRACKER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
DURATION=${DURATION:-6s}
SETTLE=${SETTLE:-5}
OUT=${OUT:-bench/target/gc-choice-$LABEL}
PORT=${PORT:-46969}
mkdir -p "$OUT"
CGROUP=/sys/fs/cgroup/memory/kt-gc-choice-$$
PID=
cleanup() {
  if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rmdir "$CGROUP" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$CGROUP"
echo 1073741824 >"$CGROUP/memory.limit_in_bytes"

bench() { taskset -c "$LOAD_CPU" java -XX:+UseSerialGC -jar "$BENCH_JAR" "$@"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

for s in $(seq "$STARTS"); do
  gclog="$OUT/start-$s.gc"
  # shellcheck disable=SC2016
  taskset -c "$TRACKER_CPU" sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CGROUP" java "$@" -Xlog:gc:file="$gclog" \
    -Dtracker.limits.requests-per-second=0 -Dtracker.limits.new-torrents-per-minute=0 -Dtracker.host=127.0.0.1 \
    -Dtracker.http.port="$PORT" -Dtracker.udp.port="$PORT" -Dtracker.udp.sockets=1 \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=$((PORT + 1)) \
    -jar "$KT_APP/quarkus-run.jar" >"$OUT/start-$s.log" 2>&1 &
  PID=$!
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
  sleep "$SETTLE"
  before=$(rss_kb "$PID")
  bench udp --fill --port "$PORT" --torrents 100000 --peers 1000000 --sources 64 --numwant 0 --scrape-every 0 \
    --warmup 0 --window 64 --duration 300s >/dev/null
  sleep "$SETTLE"
  after=$(rss_kb "$PID")
  gc_lines=$(wc -l <"$gclog")
  line="$LABEL start $s: RSS $((before / 1024)) -> $((after / 1024)) MiB, $(awk -v b="$before" -v a="$after" \
    'BEGIN {printf "%.1f", (a - b) * 1024 / 1e6}') B/peer"
  for w in "w64:--window 64" "w16:--window 16" "s74:--window 64 --scrape-every 1 --scrape-hashes 74" \
    "s1:--window 64 --scrape-every 1 --scrape-hashes 1"; do
    name=${w%%:*}
    # shellcheck disable=SC2086
    text=$(bench udp --port "$PORT" --pid "$PID" --torrents 100000 --peers 1000000 ${w#*:} --duration "$DURATION" \
      --warmup 2s --json "$OUT/runs.jsonl" --scenario "$name" --tracker "$LABEL")
    line+=" | $name $(awk '/tracker CPU/ {for (i = 1; i <= NF; i++) if ($i == "CPU") cpu = $(i + 1)}
      $1 == "announce" || $1 == "scrape" {ok += $2; if (!p) p = $6} END {printf "%.0f/CPU-s p99.9 %s us", ok / cpu, p}' \
      <<<"$text")"
  done
  pause=$(tail -n +$((gc_lines + 1)) "$gclog" | grep Pause | awk '{print $NF}' | sed 's/ms//' | sort -n | tail -1)
  echo "$line | longest pause in the workloads ${pause:-none} ms" | tee -a "$OUT/summary.txt"
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=
done
