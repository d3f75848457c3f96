#!/usr/bin/env bash
# kubetracker against Debian's opentracker and a C ceiling on this machine, over fresh starts (the same build
# varies up to 3x between JVM starts, so every figure is min / median / max over starts):
#   1. throughput and latency: for start s = 1..STARTS, in alternating order (kubetracker, opentracker,
#      ceiling; then reversed), the tracker is started fresh on core TRACKER_CPU, then its cold start is
#      measured (the first COLD_COUNT announces right after its port answers), then (MODEL_FILL=1) every peer
#      of the model announces once in its own torrent, so that every start measures the same store (the
#      stateless ceiling skips this), then every workload runs once
#      (load generator on core LOAD_CPU), each after its own WARMUP, then the tracker is stopped. Workloads:
#      udp-w16, udp-w64 (announces, window 16 / 64), udp-connect-each (a connect before every announce),
#      udp-numwant50 (swarms of >= 100 IPv4 peers filled first, 50 peers per reply), udp-scrape1 and
#      udp-scrape74 (scrapes only), http-keepalive (kubetracker only: opentracker closes connections) and
#      http-close. The ceiling (bench/ceiling/udp_ceiling.c: stateless, one thread, recvmmsg/sendmmsg in
#      batches of 64, fixed replies) runs the UDP workloads only: no tracker can answer faster here.
#      opentracker's cold start begins once its whitelist is loaded (Debian's build needs one).
#      `bench compare` then gives per workload and tracker min / median / max of requests/s, requests per
#      tracker CPU-second, p99 and p99.9; kubetracker / opentracker per CPU-second in the worst start
#      (kubetracker's lowest / opentracker's highest), in kubetracker's slowest start (its lowest / opentracker's
#      median), start by start (the lowest of kubetracker / opentracker within one start) and medians;
#      kubetracker's raw UDP rate as a share of the ceiling's median and of the ceiling's run in the same start;
#      whether the targets of issue 13 hold, each of those ways; whether kubetracker's spread over starts is
#      within opentracker's.
#   2. memory, MEM_STARTS fresh starts each of: kubetracker with KT_CMD; kubetracker with the container
#      image's JVM flags (quarkus.jib.jvm-arguments) in a memory cgroup of MEM_LIMIT_MIB; opentracker. RSS
#      before and after MEM_PEERS IPv4 peers over MEM_TORRENTS torrents, and again over MEM_BIG_TORRENTS
#      torrents (big swarms), bytes per peer, kubetracker's live heap after a full GC; the full scrape of the
#      first fill of each (time, size, plain and gzip, checked to be complete bencode).
#   3. a large store (LARGE=1): kubetracker with the image's flags in a cgroup of LARGE_LIMIT_MIB (2048 if
#      the store does not fit 1024: the script retries and says so), LARGE_PEERS over LARGE_TORRENTS, then
#      udp-w64 re-announces for DURATION with a GC log: p99.9 latency, the longest GC pause, RSS.
# Everything goes to OUT (bench/target/compare-<time>/); nothing is left running, the cgroups are removed.
# Where netfilter's conntrack is loaded, its time_wait timeout is set to 1 s for the run and put back on exit.
# Runs as root (taskset, cgroups, the opentracker user). With the defaults it takes 26-35 minutes on the
# project's 2-core VM (throughput 3.5-4 per start with the fill, memory 8-12, large store 2-4). Never edit this
# file while it runs: bash reads it as it goes.
#
# Knobs (environment): STARTS=5 DURATION=5s WARMUP=1s COLD_COUNT=10000 TRACKER_CPU=1 LOAD_CPU=0
#   THROUGHPUT=1 MODEL_FILL=1 MEMORY=1 LARGE=1 SKIP_BUILD=0 KT_APP=tracker-worker/target/quarkus-app
#   KT_JVM_OPTS= (added to the launcher's flags)  KT_CMD="tracker-worker/kubetracker $KT_JVM_OPTS" (the README's command)
#   (the run's system properties reach the JVM through JAVA_TOOL_OPTIONS, so KT_CMD may be any launcher
#   that runs java)  KT_LIMIT_OPTS (per-client limits off)  TORRENTS=1000000 PEERS=2000000
#   NUMWANT_TORRENTS=1000 NUMWANT_PEERS=100000  MEM_STARTS=3 SETTLE=5 MEM_PEERS=1000000 MEM_TORRENTS=100000
#   MEM_BIG_TORRENTS=1000 MEM_LIMIT_MIB=1024  LARGE_PEERS=10000000 LARGE_TORRENTS=1000000 LARGE_LIMIT_MIB=1024
#   OT_PORT=36969 KT_PORT=36970 KT_MANAGEMENT_PORT=36971 CEILING_PORT=36972 OUT BENCH_JAR
set -euo pipefail
cd "$(dirname "$0")/.."

STARTS=${STARTS:-5}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-1s}
COLD_COUNT=${COLD_COUNT:-10000}
TRACKER_CPU=${TRACKER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
THROUGHPUT=${THROUGHPUT:-1}
# Every peer of the model announced once before the workloads: each start then measures the same store,
# not whatever the workloads before announced at that start's speed.
MODEL_FILL=${MODEL_FILL:-1}
MEMORY=${MEMORY:-1}
LARGE=${LARGE:-1}
KT_APP=${KT_APP:-tracker-worker/target/quarkus-app}
KT_JVM_OPTS=${KT_JVM_OPTS:-}
# Per-client limits off: the load generator is a whole tracker's traffic from 64 addresses, and
# opentracker has no such limits. Set KT_LIMIT_OPTS= (empty) for a build older than the limits.
KT_LIMIT_OPTS=${KT_LIMIT_OPTS--Dtracker.limits.requests-per-second=0 -Dtracker.limits.new-torrents-per-minute=0}
TORRENTS=${TORRENTS:-1000000}
PEERS=${PEERS:-2000000}
NUMWANT_TORRENTS=${NUMWANT_TORRENTS:-1000}
NUMWANT_PEERS=${NUMWANT_PEERS:-100000}
MEM_STARTS=${MEM_STARTS:-3}
# Seconds before each RSS reading: a JVM's RSS moves for a few seconds after start (JIT, glibc trims).
SETTLE=${SETTLE:-5}
MEM_PEERS=${MEM_PEERS:-1000000}
MEM_TORRENTS=${MEM_TORRENTS:-100000}
MEM_BIG_TORRENTS=${MEM_BIG_TORRENTS:-1000}
MEM_LIMIT_MIB=${MEM_LIMIT_MIB:-1024}
LARGE_PEERS=${LARGE_PEERS:-10000000}
LARGE_TORRENTS=${LARGE_TORRENTS:-1000000}
LARGE_LIMIT_MIB=${LARGE_LIMIT_MIB:-1024}
OT_PORT=${OT_PORT:-36969}
KT_PORT=${KT_PORT:-36970}
KT_MANAGEMENT_PORT=${KT_MANAGEMENT_PORT:-36971}
CEILING_PORT=${CEILING_PORT:-36972}
OUT=${OUT:-bench/target/compare-$(date +%Y%m%d-%H%M%S)}
BENCH_JAR=${BENCH_JAR:-bench/target/kubetracker-bench.jar}
SCRIPT_START=$(date +%s)

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RESULTS="$OUT/runs.jsonl"
WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
CGROUP=/sys/fs/cgroup/memory/kt-bench-$$

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
  if [[ -d $CGROUP ]]; then
    rmdir "$CGROUP" 2>/dev/null || echo "could not remove $CGROUP" >&2
  fi
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
# The README's first command: the launcher, on the build in KT_APP.
export KUBETRACKER_APP=$KT_APP
KT_CMD=${KT_CMD:-$PWD/tracker-worker/kubetracker $KT_JVM_OPTS}
gcc -O2 -Wall -Wextra -Werror -o "$WORK/udp_ceiling" bench/ceiling/udp_ceiling.c

# The container image's JVM flags, as the image gets them (comma-separated in application.properties).
IMAGE_JVM_OPTS=$(sed -n 's/^quarkus\.jib\.jvm-arguments=//p' tracker-worker/src/main/resources/application.properties \
  | tr ',' ' ')
IMAGE_CMD="java $IMAGE_JVM_OPTS -jar $KT_APP/quarkus-run.jar"

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
WHITELIST_TORRENTS=$(printf '%s\n' "$TORRENTS" "$MEM_TORRENTS" "$NUMWANT_TORRENTS" | sort -n | tail -1)
bench hashes --torrents "$WHITELIST_TORRENTS" >"$WORK/whitelist.txt"
chmod 644 "$WORK/whitelist.txt"

wait_tcp() { # port: wait up to 30 s until something listens
  for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

wait_udp() { # port: wait up to 10 s until a UDP socket is bound to it
  for _ in $(seq 1000); do
    if [[ -n $(ss -Hlun "sport = :$1") ]]; then return 0; fi
    sleep 0.01
  done
  echo "nothing bound to UDP port $1" >&2
  return 1
}

# Debian's opentracker loads its whitelist after its ports answer; until then it answers announces with
# replies the bench counts as invalid. Its cold start begins once 100 announces get good replies.
wait_whitelist() {
  for _ in $(seq 40); do
    if bench udp --scrape-every 0 --count 100 --warmup 0 --duration 5s --torrents "$TORRENTS" --peers "$PEERS" \
      --port "$PORT" | grep -q '"announce":{"ok":[1-9][^}]*"invalid":0,'; then
      return 0
    fi
    sleep 0.25
  done
  echo "opentracker did not load its whitelist in time" >&2
  return 1
}

# A memory cgroup (v1) of the given size for the next JVM; made once, resized as needed.
set_cgroup_limit() { # MiB
  mkdir -p "$CGROUP"
  echo $(($1 * 1048576)) >"$CGROUP/memory.limit_in_bytes"
}

# Sets PID and PORT of the tracker started: opentracker | ceiling | kubetracker [plain|image]
start_tracker() {
  case $1 in
    opentracker)
      taskset -c "$TRACKER_CPU" opentracker -i 127.0.0.1 -p "$OT_PORT" -P "$OT_PORT" -d "$WORK" -u _opentracker \
        -w /whitelist.txt -A 127.0.0.1 >>"$OUT/opentracker.log" 2>&1 &
      PID=$! PORT=$OT_PORT
      PIDS+=("$PID")
      wait_tcp "$PORT"
      wait_whitelist
      ;;
    ceiling)
      taskset -c "$TRACKER_CPU" "$WORK/udp_ceiling" "$CEILING_PORT" >>"$OUT/ceiling.log" 2>&1 &
      PID=$! PORT=$CEILING_PORT
      PIDS+=("$PID")
      wait_udp "$PORT"
      ;;
    kubetracker)
      local props="$KT_LIMIT_OPTS -Dtracker.host=127.0.0.1 -Dtracker.http.port=$KT_PORT -Dtracker.udp.port=$KT_PORT"
      props+=" -Dtracker.udp.sockets=1 -Dquarkus.management.host=127.0.0.1"
      props+=" -Dquarkus.management.port=$KT_MANAGEMENT_PORT ${KT_EXTRA_OPTS:-}"
      if [[ ${2:-plain} == image ]]; then
        # shellcheck disable=SC2016,SC2086
        JAVA_TOOL_OPTIONS=$props taskset -c "$TRACKER_CPU" \
          sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CGROUP" $IMAGE_CMD >>"$OUT/kubetracker.log" 2>&1 &
      else
        # shellcheck disable=SC2086
        JAVA_TOOL_OPTIONS=$props taskset -c "$TRACKER_CPU" $KT_CMD >>"$OUT/kubetracker.log" 2>&1 &
      fi
      PID=$! PORT=$KT_PORT
      PIDS+=("$PID")
      wait_tcp "$PORT"
      ;;
  esac
}

stop() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# --- environment ---------------------------------------------------------------------------------------
set_cgroup_limit "$MEM_LIMIT_MIB"
# shellcheck disable=SC2016,SC2086
JVM_SAW=$(sh -c 'echo $$ >"$0/cgroup.procs" && exec java '"$IMAGE_JVM_OPTS"' -XshowSettings:system \
  -XX:+PrintFlagsFinal -version' "$CGROUP" 2>&1 | awk '/Memory Limit:/ {sub(/^ */, ""); limit = $0}
  / MaxHeapSize / {heap = $4} END {printf "%s, max heap %.0f MiB", limit, heap / 1048576}')
{
  echo "date: $(date -u +%FT%TZ)"
  echo "kernel: $(uname -sr)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; trackers on core $TRACKER_CPU, load on core $LOAD_CPU"
  echo "java: $(java -version 2>&1 | head -2 | tail -1)"
  echo "opentracker: $(dpkg-query -W -f '${Version}' opentracker 2>/dev/null || echo unknown)"
  echo "ceiling: bench/ceiling/udp_ceiling.c, $(gcc --version | head -1), -O2"
  echo "kubetracker command: $KT_CMD (system properties in JAVA_TOOL_OPTIONS: $KT_LIMIT_OPTS and the ports)"
  echo "kubetracker image flags: $IMAGE_JVM_OPTS; in a ${MEM_LIMIT_MIB} MiB cgroup the JVM saw: $JVM_SAW"
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
  echo "model: $TORRENTS torrents, $PEERS peers, 75% seeders, numwant 30 (udp-numwant50: $NUMWANT_PEERS peers"
  echo "  over $NUMWANT_TORRENTS torrents, even popularity, filled first); $STARTS fresh starts per tracker;"
  echo "  each workload $DURATION after $WARMUP; cold start: the first $COLD_COUNT announces"
  if [[ $MODEL_FILL == 1 ]]; then
    echo "  after the cold start each tracker's store is filled with every peer of the model, in its own torrent"
  fi
} >"$OUT/environment.txt"
cat "$OUT/environment.txt" >&2

# --- 1. throughput and latency over fresh starts -------------------------------------------------------
UDP_WORKLOADS=(udp-w16 udp-w64 udp-connect-each udp-numwant50 udp-scrape1 udp-scrape74)
HTTP_WORKLOADS=(http-keepalive http-close)
workload_args() {
  local model="--torrents $TORRENTS --peers $PEERS"
  local swarms="--torrents $NUMWANT_TORRENTS --peers $NUMWANT_PEERS --popularity-exponent 0"
  case $1 in
    cold-start) echo "udp --scrape-every 0 --count $COLD_COUNT --warmup 0 --duration 60s $model" ;;
    model-fill) echo "udp --fill --as-modelled --window 64 --numwant 0 --scrape-every 0 --warmup 0 --duration 300s $model" ;;
    udp-w16) echo "udp --window 16 --scrape-every 0 $model" ;;
    udp-w64) echo "udp --window 64 --scrape-every 0 $model" ;;
    udp-connect-each) echo "udp --connect-each --scrape-every 0 $model" ;;
    udp-numwant50-fill) echo "udp --fill --window 64 --numwant 0 --scrape-every 0 --warmup 0 --duration 60s $swarms" ;;
    udp-numwant50) echo "udp --window 64 --numwant 50 --scrape-every 0 $swarms" ;;
    udp-scrape1) echo "udp --window 64 --scrape-every 1 --scrape-hashes 1 $model" ;;
    udp-scrape74) echo "udp --window 64 --scrape-every 1 --scrape-hashes 74 $model" ;;
    http-keepalive) echo "http $model" ;;
    http-close) echo "http --no-keepalive $model" ;;
  esac
}

run() { # workload tracker start [extra bench options]
  local workload=$1 tracker=$2 start=$3 text
  shift 3
  # shellcheck disable=SC2046
  text=$(bench $(workload_args "$workload") --port "$PORT" --pid "$PID" --tracker "$tracker" \
    --scenario "$workload" --start "$start" "$@")
  echo "$text" >>"$OUT/runs.txt"
  grep -v '^{' <<<"$text" >&2
}

workloads_for() { # tracker: opentracker closes every HTTP connection, so keep-alive is ours alone
  case $1 in
    kubetracker) echo "${UDP_WORKLOADS[*]} ${HTTP_WORKLOADS[*]}" ;;
    opentracker) echo "${UDP_WORKLOADS[*]} http-close" ;;
    ceiling) echo "${UDP_WORKLOADS[*]}" ;;
  esac
}

if [[ $THROUGHPUT == 1 ]]; then
  for start in $(seq "$STARTS"); do
    order="kubetracker opentracker ceiling"
    if ((start % 2 == 0)); then order="ceiling opentracker kubetracker"; fi
    for t in $order; do
      log "start $start of $STARTS: $t"
      start_tracker "$t"
      run cold-start "$t" "$start" --json "$RESULTS"
      if [[ $MODEL_FILL == 1 && $t != ceiling ]]; then
        run model-fill "$t" "$start" >/dev/null 2>&1
      fi
      for w in $(workloads_for "$t"); do
        if [[ $w == udp-numwant50 ]]; then
          run udp-numwant50-fill "$t" "$start" >/dev/null 2>&1
        fi
        run "$w" "$t" "$start" --duration "$DURATION" --warmup "$WARMUP" --json "$RESULTS"
      done
      stop "$PID"
    done
  done
  bench compare "$RESULTS" >"$OUT/table.md"
fi

# --- 2. memory per peer, full scrape -------------------------------------------------------------------
MEM_SOURCES=64
fill() { # torrents peers [sources]: fills the tracker at PORT, each peer announced once
  bench udp --fill --port "$PORT" --tracker fill --scenario fill --torrents "$1" --peers "$2" \
    ${3:+--sources "$3"} --numwant 0 --scrape-every 0 --warmup 0 --window 64 --duration 600s >>"$OUT/fill.txt"
}

stored_peers() { curl -s --max-time 30 "http://127.0.0.1:$PORT/stats?mode=peer" | head -1; }

live_heap_bytes() { # pid: GC.class_histogram runs a full GC first; its total is the live heap
  jcmd "$1" GC.class_histogram 2>/dev/null | awk '/^Total/ {print $3}'
}

full_scrape() { # configuration: fetches and checks the full scrape, plain and gzip
  local enc file header timing check
  for enc in plain gzip; do
    file="$OUT/fullscrape-$1.$enc"
    header=()
    [[ $enc == gzip ]] && header=(-H 'Accept-Encoding: gzip')
    if ! timing=$(curl -s --max-time 120 "${header[@]}" -o "$file" -w '%{time_total}' "http://127.0.0.1:$PORT/scrape")
    then
      timing="$timing (curl: transfer failed)"
    fi
    check=$(bench check-scrape "$file" ${header:+--gzip})
    echo "$1 $enc $timing s, $(stat -c %s "$file") B: $check" >>"$OUT/fullscrape.txt"
  done
}

if [[ $MEMORY == 1 ]]; then
  # one line per fill: configuration model start peers-stored rss-before-kB rss-after-kB live-heap-bytes
  : >"$OUT/memory.tsv"
  for m in $(seq "$MEM_STARTS"); do
    for config in kubetracker-plain kubetracker-image opentracker; do
      for torrents in "$MEM_TORRENTS" "$MEM_BIG_TORRENTS"; do
        log "memory, start $m of $MEM_STARTS: $config, $MEM_PEERS peers over $torrents torrents"
        case $config in
          # Without the start-up warm-up: its throwaway store is garbage before any traffic, but a heap
          # may hand that memory back only seconds later, which would lower "RSS before" by chance.
          kubetracker-plain) KT_EXTRA_OPTS=-Dtracker.warm-up.requests=0 start_tracker kubetracker plain ;;
          kubetracker-image) KT_EXTRA_OPTS=-Dtracker.warm-up.requests=0 start_tracker kubetracker image ;;
          opentracker) start_tracker opentracker ;;
        esac
        sleep "$SETTLE"
        before=$(rss_kb "$PID")
        fill "$torrents" "$MEM_PEERS" "$MEM_SOURCES"
        sleep "$SETTLE"
        after=$(rss_kb "$PID")
        stored=$(stored_peers)
        heap=0
        if [[ $config == kubetracker-* ]]; then heap=$(live_heap_bytes "$PID"); fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$config" "$torrents" "$m" "${stored:-0}" "$before" "$after" \
          "${heap:-0}" >>"$OUT/memory.tsv"
        if [[ $m == 1 && $torrents == "$MEM_TORRENTS" ]]; then full_scrape "$config"; fi
        stop "$PID"
      done
    done
  done
  awk -F '\t' -v peers="$MEM_PEERS" '
    function sortn(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
    function spread(s, n,   a, i, k) { k = split(s, a, " "); sortn(a, k); med = (k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2)
      return sprintf(fmt, a[1]) " / " sprintf(fmt, med) " / " sprintf(fmt, a[k]) }
    function median(s,   a, k) { k = split(s, a, " "); sortn(a, k); return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    { key = $1 SUBSEP $2; if (!(key in n)) order[++keys] = key; n[key]++
      stored[key] = stored[key] " " $4; before[key] = before[key] " " $5 / 1024; after[key] = after[key] " " $6 / 1024
      bpp[key] = bpp[key] " " ($4 > 0 ? ($6 - $5) * 1024 / $4 : 0); heap[key] = heap[key] " " $7 / 1048576 }
    END {
      print "| configuration | torrents | starts | peers stored (median) | RSS before MiB | RSS after MiB | **RSS bytes per peer** | ratio to opentracker (median / median) | live heap after GC MiB |"
      print "|---|---|---|---|---|---|---|---|---|"
      for (i = 1; i <= keys; i++) {
        split(order[i], k, SUBSEP); ot = "opentracker" SUBSEP k[2]
        fmt = "%.1f"
        ratio = (ot in bpp) ? sprintf("%.2f", median(bpp[order[i]]) / median(bpp[ot])) : "—"
        h = k[1] ~ /^kubetracker/ ? spread(heap[order[i]]) : "—"
        printf "| %s | %d | %d | %d | %s | %s | %s | %s | %s |\n", k[1], k[2], n[order[i]], median(stored[order[i]]),
          spread(before[order[i]]), spread(after[order[i]]), spread(bpp[order[i]]), ratio, h
      }
    }' "$OUT/memory.tsv" >"$OUT/memory.md"
fi

# --- 3. a large store with the image's flags in a cgroup -----------------------------------------------
large_attempt() { # MiB: fills LARGE_PEERS, runs udp-w64 re-announces; false if the store did not hold them
  local limit=$1 gclog="$OUT/large-gc-$1.log"
  set_cgroup_limit "$limit"
  KT_EXTRA_OPTS="-Xlog:gc:file=$gclog" start_tracker kubetracker image
  local pid=$PID
  log "large store: $LARGE_PEERS peers over $LARGE_TORRENTS torrents, ${limit} MiB cgroup"
  fill "$LARGE_TORRENTS" "$LARGE_PEERS" || true
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "| $limit | the tracker died during the fill (see kubetracker.log) | | | | | |" >>"$OUT/large.md"
    wait "$pid" 2>/dev/null || true
    return 1
  fi
  local stored rss_filled gc_lines text rss_after pause_all pause_load p999
  stored=$(stored_peers)
  rss_filled=$(rss_kb "$pid")
  if ((${stored:-0} < LARGE_PEERS * 99 / 100)); then
    echo "| $limit | stored ${stored:-0} of $LARGE_PEERS peers: does not fit | | | | | |" >>"$OUT/large.md"
    stop "$pid"
    return 1
  fi
  gc_lines=$(wc -l <"$gclog")
  text=$(bench udp --reannounce --window 64 --scrape-every 0 --torrents "$LARGE_TORRENTS" --peers "$LARGE_PEERS" \
    --port "$PORT" --pid "$pid" --tracker kubetracker --scenario udp-w64-large --duration "$DURATION" \
    --warmup "$WARMUP")
  echo "$text" >>"$OUT/runs.txt"
  grep -v '^{' <<<"$text" >&2
  rss_after=$(rss_kb "$pid")
  stop "$pid"
  # G1 lines end in the pause, e.g. "Pause Young (Normal) (G1 Evacuation Pause) 300M->290M(700M) 12.345ms"
  pause_all=$(awk '/Pause/ && $NF ~ /ms$/ {v = $NF + 0; if (v > m) m = v} END {printf "%.1f", m}' "$gclog")
  pause_load=$(tail -n +"$((gc_lines + 1))" "$gclog" | awk '/Pause/ && $NF ~ /ms$/ {v = $NF + 0; if (v > m) m = v}
    END {printf "%.1f", m}')
  p999=$(sed -n 's/.*"announce":{[^}]*"p999_us":\([0-9.]*\).*/\1/p' <<<"$text")
  local rate
  rate=$(sed -n 's/.*"announce":{[^}]*"rate":\([0-9.]*\).*/\1/p' <<<"$text")
  awk -v l="$limit" -v s="$stored" -v f="$rss_filled" -v a="$rss_after" -v r="$rate" -v p="$p999" \
    -v pl="$pause_load" -v pa="$pause_all" 'BEGIN {
      printf "| %s | %d | %.0f | %.0f | %.0f | %.0f | %s / %s |\n", l, s, f / 1024, a / 1024, r, p, pl, pa }' \
    >>"$OUT/large.md"
}

if [[ $LARGE == 1 ]]; then
  {
    echo "| cgroup MiB | peers stored | RSS filled MiB | RSS after load MiB | re-announces/s | p99.9 µs | longest GC pause ms: during load / whole run |"
    echo "|---|---|---|---|---|---|---|"
  } >"$OUT/large.md"
  if ! large_attempt "$LARGE_LIMIT_MIB" && ((LARGE_LIMIT_MIB < 2048)); then
    log "large store: did not fit ${LARGE_LIMIT_MIB} MiB, again in 2048 MiB"
    large_attempt 2048 || true
  fi
fi

# --- report --------------------------------------------------------------------------------------------
{
  if [[ $THROUGHPUT == 1 ]]; then
    echo
    echo "## Throughput and latency over $STARTS fresh starts (each workload $DURATION after $WARMUP)"
    echo
    cat "$OUT/table.md"
  fi
  if [[ $MEMORY == 1 ]]; then
    echo
    echo "## Memory: $MEM_PEERS IPv4 peers, min / median / max over $MEM_STARTS fresh starts"
    echo
    echo "kubetracker-plain: $KT_CMD; kubetracker-image: the image's flags ($IMAGE_JVM_OPTS) in a ${MEM_LIMIT_MIB} MiB cgroup"
    echo
    cat "$OUT/memory.md"
    echo
    echo "Full scrape of the first $MEM_TORRENTS-torrent fill:"
    echo
    sed 's/^/    /' "$OUT/fullscrape.txt"
  fi
  if [[ $LARGE == 1 ]]; then
    echo
    echo "## Large store: $LARGE_PEERS peers over $LARGE_TORRENTS torrents, the image's flags in a cgroup,"
    echo "udp-w64 re-announces for $DURATION"
    echo
    cat "$OUT/large.md"
  fi
  echo
  echo "(all output in $OUT; wall time $(( ($(date +%s) - SCRIPT_START) / 60 )) min $(( ($(date +%s) - SCRIPT_START) % 60 )) s)"
} | tee "$OUT/report.md"
