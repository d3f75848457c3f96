#!/usr/bin/env bash
# Cold start: fresh starts of kubetracker and Debian's opentracker, each followed at once by a bounded UDP
# load (the first COUNT requests after the start). Per start one line: time from launch to the first announce
# served (coldstart-probe.py), announces/s wall, tracker CPU seconds, announces per tracker CPU-second.
# The tracker is pinned to TRACKER_CPU, the load to LOAD_CPU; configurations alternate, ROUNDS rounds.
#
#   bench/coldstart.sh                       # opentracker, kubetracker without and with its warm-up
#   CONFIGS="kt-off kt-on" ROUNDS=5 READY=0 bench/coldstart.sh
#
# READY=1 (default): the load starts when kubetracker's /q/health/ready is UP (what a Service does);
# READY=0: as soon as the UDP port serves. KT_JVM_OPTS: extra JVM options (e.g. a CDS archive).
# Needs: bench/target/kubetracker-bench.jar, tracker-worker/target/quarkus-app, opentracker, python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
COUNT=${COUNT:-10000}
READY=${READY:-1}
CONFIGS=${CONFIGS:-ot kt-off kt-on}
TRACKER_CPU=${TRACKER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
PORT=${PORT:-37969}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-37971}
KT_APP=$(cd "${KT_APP:-tracker-worker/target/quarkus-app}" && pwd)
BENCH_JAR=$(pwd)/bench/target/kubetracker-bench.jar
OUT=${OUT:-bench/target/coldstart-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
WORK=$(mktemp -d)
chmod 755 "$WORK"
TRACKER_PID=""
cleanup() {
  if [[ -n $TRACKER_PID ]]; then kill "$TRACKER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# opentracker from Debian is built closed: a whitelist, read inside its -d (chroot) folder.
java -jar "$BENCH_JAR" hashes --torrents 1000000 >"$WORK/whitelist.txt"
chmod 644 "$WORK/whitelist.txt"
export HASH=$(head -1 "$WORK/whitelist.txt")

one() { # config round
  local config=$1 round=$2 launch
  case $config in
    ot) launch=(opentracker -i 127.0.0.1 -p "$PORT" -P "$PORT" -d "$WORK" -u _opentracker -w /whitelist.txt -A 127.0.0.1) ;;
    kt-*) # shellcheck disable=SC2206
      launch=(java ${KT_JVM_OPTS:-} -Dtracker.warm-up.requests=$([[ $config == kt-off ]] && echo 0 || echo "${WARM_UP:-20000}")
        -Dtracker.limits.requests-per-second=0 -Dtracker.limits.new-torrents-per-minute=0 -Dtracker.host=127.0.0.1
        -Dtracker.http.port="$PORT" -Dtracker.udp.port="$PORT" -Dtracker.udp.sockets=1
        -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$MANAGEMENT_PORT" -jar quarkus-run.jar) ;;
  esac
  local started ms json
  started=$(CWD=$KT_APP LOG=$OUT/$config-$round.log python3 bench/coldstart-probe.py "$PORT" taskset -c "$TRACKER_CPU" "${launch[@]}")
  read -r TRACKER_PID ms <<<"$started"
  if [[ $READY == 1 && $config == kt-* ]]; then
    for _ in $(seq 600); do
      curl -sf -o /dev/null "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" && break
      sleep 0.05
    done
  fi
  json=$(taskset -c "$LOAD_CPU" java -jar "$BENCH_JAR" udp --port "$PORT" --pid "$TRACKER_PID" --count "$COUNT" \
    --warmup 0 --torrents 1000000 --peers 2000000 --duration 30s --tracker "$config" | tail -1)
  kill "$TRACKER_PID"
  for _ in $(seq 100); do kill -0 "$TRACKER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$TRACKER_PID" 2>/dev/null || true
  TRACKER_PID=""
  python3 - "$config-$round" "$ms" "$json" <<'PY' | tee -a "$OUT/runs.txt"
import json, sys
j = json.loads(sys.argv[3]); a = j["announce"]; cpu = j["tracker_cpu_seconds"]
print(f"{sys.argv[1]} start_ms={sys.argv[2]} announces={a['ok']} rate={a['rate']:.0f} cpu={cpu:.2f} "
      f"per_cpu_s={a['ok'] / cpu if cpu else 0:.0f} p99_us={a['p99_us']:.0f}")
PY
}

for round in $(seq "$ROUNDS"); do
  for config in $CONFIGS; do one "$config" "$round"; done
done
