#!/usr/bin/env bash
# Side-by-side benchmarks of socketkit against Netty, a C epoll echo server and the lecture's
# Python servers.
#
#   bench/run.sh            full run (about 1.5 hours on 2 cores), writes docs/benchmarks.md + .png
#   bench/run.sh --quick    short durations, one repeat: about 25 minutes, for checking the pipeline
#
# The echo targets are read from bench/echo-pairs.sh, run here at 100 and 1,000 connections: the
# servers they name run at once and are loaded in turn, so that the machine's drift hits them alike.
# Every server is pinned to CPU 0 and every load generator to CPU 1 (taskset, util-linux). The
# echo tables are measured by bench/c/echo_load.c (one thread, epoll, one write and one read per
# round trip; built here with cc -O2), written apart from socketkit, or by socketkit bench echo
# with ECHO_CLIENT=loadgen; once per run both measure socketkit-selectors and Netty NIO at
# 100 x 64 B on JAVA17, side by side ("Clients agree?"). Echo
# peers are run interleaved (each configuration runs every peer before the next configuration, in
# an order that rotates per repeat) so that a drift in the machine's speed hits all peers alike;
# tables report medians over the repeats and ratios to Netty NIO. Raw results stay in
# bench/target/results/. Only the part of docs/benchmarks.md between the "generated" markers is
# rewritten; the interpretation around it is written by hand.
#
# Environment: SERVER_JAVA (java for the servers; default: a JDK 21+ if installed, for virtual
# threads), JAVA17 (java for platform-thread runs; default: java on PATH), ECHO_JAVAS (the javas
# the echo tables are measured on, one table per JDK; default: JAVA17 and SERVER_JAVA),
# SERVER_CPU / LOAD_CPU, ECHO_CLIENT (c, the default, or loadgen: the echo tables' client). C10K and
# the camera's MJPEG search run on the same JDKs as the echo tables, each row named with its JDK.
#
# Netty runs with the flags its documentation gives for the JDK at hand (netty_flags in bench/jdks.sh) and
# pooled direct buffers; the C server (bench/c/echo_server.c, built here with cc -O2) is the
# practical limit every server's ratio is also given against.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $arg (expected: --quick)" >&2; exit 2 ;;
  esac
done

if [ "$quick" = 1 ]; then
  repeats=1; duration=2; warmup=1
  c10k_duration=3; mjpeg_duration=3; mjpeg_steps="100 500 1000 2000 3000 4000"
  jmh_args=(-f 1 -wi 1 -w 1 -i 2 -r 1)
else
  repeats=3; duration=10; warmup=3
  c10k_duration=10; mjpeg_duration=10
  mjpeg_steps="100 250 500 1000 1500 2000 2500 3000 3500 4000 5000 6000 8000"
  jmh_args=(-f 1 -wi 3 -w 1 -i 5 -r 1)
fi
connections_list="100 1000"
sizes_list="64 4096"

server_cpu="${SERVER_CPU:-0}"
echo_client="${ECHO_CLIENT:-c}"
case "$echo_client" in
  c|loadgen) ;;
  *) echo "run.sh: ECHO_CLIENT=$echo_client (expected: c or loadgen)" >&2; exit 2 ;;
esac
load_cpu="${LOAD_CPU:-1}"
java17="${JAVA17:-java}"
server_java="${SERVER_JAVA:-}"
if [ -z "$server_java" ]; then
  server_java=java
  for home in /usr/lib/jvm/*/; do
    feature="$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')" || true
    if [ -n "$feature" ] && [ "$feature" -ge 21 ]; then server_java="$home/bin/java"; break; fi
  done
fi
# Every tool the run needs, checked now rather than when a later section reaches it.
# jcmd_of JAVA: the jcmd of that JDK, which attaches to its own JVMs for certain (C10K's heap)
jcmd_of() { echo "$(dirname "$(readlink -f "$(command -v "$1" || echo "$1")")")/jcmd"; }
missing=()
for tool in taskset python3 mvn ss ffmpeg cc; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
for java in ${ECHO_JAVAS:-$java17 $server_java}; do # the JDKs C10K runs on
  [ -x "$(jcmd_of "$java")" ] || missing+=("jcmd (looked for $(jcmd_of "$java"), next to $java)")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "run.sh: missing tools: ${missing[*]}; install them (ss is in iproute2, jcmd in a JDK) and run again" >&2
  exit 1
fi

out="$root/bench/target/results"
rm -rf "$out"
mkdir -p "$out"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# --- Build -------------------------------------------------------------------------------------
log "building socketkit.jar and bench.jar"
mvn -B -q -DskipTests -Dspotless.check.skip=true -pl cli,bench -am package >&2
jar="$root/cli/target/socketkit.jar"
bench_jar="$root/bench/target/bench.jar"
c_echo="$out/echo_server"
cc -O2 -o "$c_echo" "$root/bench/c/echo_server.c"
c_load="$out/echo_load"
cc -O2 -o "$c_load" "$root/bench/c/echo_load.c"

# shellcheck source=bench/jdks.sh
. "$root/bench/jdks.sh" # feature_of, netty_flags
echo_javas=()
for java in ${ECHO_JAVAS:-$java17 $server_java}; do
  [[ " ${echo_javas[*]:-} " == *" $java "* ]] || echo_javas+=("$java")
done

# --- Servers -----------------------------------------------------------------------------------
pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# has_socketkit NAME: the jar has that command (the top-level help lists it)
has_socketkit() { java -jar "$jar" --help 2>/dev/null | grep -Eq "^ +$1( |$)"; }

# Which echo-server flags exist decides which socketkit peers can run (the echo servers are built
# by other modules; a peer that is missing is reported as missing, not invented).
socketkit_modes=()
threads_flag=0
if has_socketkit echo-server; then
  help="$(java -jar "$jar" echo-server --help 2>&1)"
  if grep -q -- "--threads" <<<"$help"; then threads_flag=1; fi
  for mode in select queue selectors threading-tcp; do
    if grep -q -- "$mode" <<<"$help"; then socketkit_modes+=("$mode"); fi
  done
fi

# echo_command PEER HEAP [JAVA] -> the server's command line, listening on port 0
echo_command() {
  local peer="$1" heap="${2:--Xmx256m}" server_java="${3:-$server_java}"
  case "$peer" in
    socketkit-select) echo "$server_java $heap -jar $jar echo-server --mode select --port 0" ;;
    socketkit-queue) echo "$server_java $heap -jar $jar echo-server --mode queue --port 0" ;;
    socketkit-selectors) echo "$server_java $heap -jar $jar echo-server --mode selectors --port 0" ;;
    # With a --threads flag both variants run on the same JDK; without one, socketkit picks virtual
    # threads on JDK 21+ and platform threads on JDK 17.
    socketkit-threading-virtual)
      if [ "$threads_flag" = 1 ]; then echo "$server_java $heap -jar $jar echo-server --mode threading-tcp --threads virtual --port 0"
      else echo "$server_java $heap -jar $jar echo-server --mode threading-tcp --port 0"; fi ;;
    socketkit-threading-platform)
      if [ "$threads_flag" = 1 ]; then echo "$server_java $heap -jar $jar echo-server --mode threading-tcp --threads platform --port 0"
      else echo "$java17 $heap -jar $jar echo-server --mode threading-tcp --port 0"; fi ;;
    netty-nio) echo "$server_java $heap $(netty_flags "$server_java") -cp $bench_jar dev.socketkit.bench.NettyEchoServer --transport nio --allocator pooled --port 0" ;;
    netty-epoll) echo "$server_java $heap $(netty_flags "$server_java") -cp $bench_jar dev.socketkit.bench.NettyEchoServer --transport epoll --allocator pooled --port 0" ;;
    c-epoll) echo "$c_echo --port 0" ;;
    python-select) echo "python3 $root/bench/python/select_echo.py --port 0" ;;
    python-queue) echo "python3 $root/bench/python/queue_echo.py --port 0" ;;
    python-threading) echo "python3 $root/bench/python/threading_echo.py --port 0" ;;
    *) echo "run.sh: unknown peer $peer" >&2; return 1 ;;
  esac
}

# start_server NAME COMMAND... -> sets server_pid and server_port; output in $out/NAME.server.log
start_server() {
  local name="$1"; shift
  local logfile="$out/$name.server.log"
  : >"$logfile"
  (ulimit -n 20000; exec taskset -c "$server_cpu" "$@") >"$logfile" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  server_port=""
  for _ in $(seq 1 300); do
    server_port="$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$logfile" | head -n 1)"
    [ -n "$server_port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  log "$name did not start: $(tail -n 3 "$logfile" | tr '\n' ' ')"
  stop_server
  return 1
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}

loadgen() { (ulimit -n 20000; exec taskset -c "$load_cpu" java -Xmx1g -jar "$jar" bench "$@"); }

# field FILE LABEL AWK-FIELD: one number from a load generator report
field() { sed -n "s/^$2 *//p" "$1" | awk "{print \$$3}" | head -n 1; }

# echo_load CLIENT PORT CONNECTIONS SIZE SERVER_PID: one echo measurement, newline-terminated
# messages, by the C client (c) or socketkit bench echo (loadgen); both print the same lines.
echo_load() {
  local client="$1" port="$2" connections="$3" size="$4" pid="$5"
  case "$client" in
    c) (ulimit -n 20000; exec taskset -c "$load_cpu" "$c_load" -l -c "$connections" -s "$size" \
      -d "$duration" -w "$warmup" -p "$pid" 127.0.0.1 "$port") ;;
    loadgen) loadgen echo --lines --port "$port" --connections "$connections" --size "$size" \
      --duration "$duration" --warmup "$warmup" --server-pid "$pid" ;;
  esac
}

# echo_fields REPORT: sets rtps p50 p99 max errors scpu lcpu from an echo report
echo_fields() {
  rtps="$(field "$1" "round trips\/s:" 1)"
  p50="$(field "$1" "latency ms:" 2)"; p99="$(field "$1" "latency ms:" 4)"
  max="$(field "$1" "latency ms:" 6)"; errors="$(field "$1" "errors:" 1)"
  scpu="$(sed -n 's/.*server \([0-9.]*\)% of one core.*/\1/p' "$1")"
  lcpu="$(sed -n 's/^cpu: load generator \([0-9.]*\)%.*/\1/p' "$1")"
}

# --- Echo targets: the servers they name, all at once (bench/echo-pairs.sh) ---------------------
# The same JDKs as the tables below; quick: 2 s windows instead of 4 s, with echo-pairs.sh's five
# rounds and 5 s of warm-up kept, so that one slow minute of the machine cannot set a median.
pairs_env=(SOCKETKIT_JAR="$jar" JAVA17="$java17" SERVER_CPU="$server_cpu" LOAD_CPU="$load_cpu")
if [ "$(feature_of "$server_java")" -ge 21 ] 2>/dev/null; then
  pairs_env+=(JAVA21_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v "$server_java")")")")")
fi
[ "$quick" = 1 ] && pairs_env+=(DURATION=2)
for connections in $connections_list; do
  log "echo targets: every server at once, $connections connections x 64 B"
  env "${pairs_env[@]}" CONNECTIONS="$connections" SIZE=64 OUT="$out/pairs-$connections" \
    "$root/bench/echo-pairs.sh" >"$out/pairs-$connections.log" 2>&1 \
    || log "echo-pairs.sh failed at $connections connections: $(tail -n 1 "$out/pairs-$connections.log")"
  windows="$out/pairs-$connections/windows.tsv"
  if [ -f "$windows" ] && [ -f "$out/pairs.tsv" ]; then
    tail -n +2 "$windows" >>"$out/pairs.tsv" # one header
  elif [ -f "$windows" ]; then
    cp "$windows" "$out/pairs.tsv"
  fi
done

# --- Echo side by side -------------------------------------------------------------------------
peers=()
for mode in "${socketkit_modes[@]:-}"; do
  case "$mode" in
    select) peers+=(socketkit-select) ;;
    queue) peers+=(socketkit-queue) ;;
    selectors) peers+=(socketkit-selectors) ;;
    threading-tcp) peers+=(socketkit-threading-platform socketkit-threading-virtual) ;;
  esac
done
peers+=(netty-nio netty-epoll c-epoll python-select python-queue python-threading)
log "echo peers: ${peers[*]}; on: ${echo_javas[*]}"

echo -e "jdk\trepeat\tpeer\tconnections\tsize\trtps\tp50_ms\tp99_ms\tmax_ms\terrors\tserver_cpu\tload_cpu" >"$out/echo.tsv"
for echo_java in "${echo_javas[@]}"; do
jdk="$(feature_of "$echo_java")"
for repeat in $(seq 1 "$repeats"); do
  for connections in $connections_list; do
    for size in $sizes_list; do
      n=${#peers[@]}
      for i in $(seq 0 $((n - 1))); do
        peer="${peers[$(((i + repeat - 1) % n))]}"
        name="echo-jdk$jdk-$peer-$connections-$size-$repeat"
        # shellcheck disable=SC2046  # the command is a list of words on purpose
        start_server "$name" $(echo_command "$peer" -Xmx256m "$echo_java") || continue
        report="$out/$name.txt"
        if echo_load "$echo_client" "$server_port" "$connections" "$size" "$server_pid" \
          >"$report" 2>&1; then
          echo_fields "$report"
          echo -e "$jdk\t$repeat\t$peer\t$connections\t$size\t$rtps\t$p50\t$p99\t$max\t$errors\t${scpu:-}\t${lcpu:-}" >>"$out/echo.tsv"
          log "$name: $rtps round trips/s, errors $errors, server cpu ${scpu:-?}%, load cpu ${lcpu:-?}%"
        else
          log "$name: load generator failed: $(tail -n 1 "$report")"
          echo -e "$jdk\t$repeat\t$peer\t$connections\t$size\t\t\t\t\tfailed\t\t" >>"$out/echo.tsv"
        fi
        stop_server
      done
    done
  done
done
done

# --- Clients agree? Both echo clients against the same servers, 100 x 64 B on JAVA17 -------------
# A fresh server per measurement, so neither client inherits the other's warm-up.
echo -e "jdk\tpeer\tclient\tconnections\tsize\trtps\tp50_ms\tp99_ms\terrors\tserver_cpu\tload_cpu" >"$out/agree.tsv"
for peer in socketkit-selectors netty-nio; do
  [[ " ${peers[*]} " == *" $peer "* ]] || continue
  for client in c loadgen; do
    name="agree-$peer-$client"
    # shellcheck disable=SC2046  # the command is a list of words on purpose
    start_server "$name" $(echo_command "$peer" -Xmx256m "$java17") || continue
    report="$out/$name.txt"
    if echo_load "$client" "$server_port" 100 64 "$server_pid" >"$report" 2>&1; then
      echo_fields "$report"
      echo -e "$(feature_of "$java17")\t$peer\t$client\t100\t64\t$rtps\t$p50\t$p99\t$errors\t${scpu:-}\t${lcpu:-}" >>"$out/agree.tsv"
      log "$name: $rtps round trips/s, server cpu ${scpu:-?}%, load cpu ${lcpu:-?}%"
    else
      log "$name: load generator failed: $(tail -n 1 "$report")"
    fi
    stop_server
  done
done

# --- JFR profile of socketkit's fastest echo mode and of Netty NIO at 1,000 x 64 B --------------
# socketkit's fastest mode: selectors (registration-based) when the jar has it, else select
fastest=""
for peer in socketkit-selectors socketkit-select; do
  if [[ " ${peers[*]} " == *" $peer "* ]]; then fastest="$peer"; break; fi
done
profile_peers=(netty-nio)
[ -n "$fastest" ] && profile_peers=("$fastest" "${profile_peers[@]}")
for peer in "${profile_peers[@]}"; do
  [[ " ${peers[*]} " == *" $peer "* ]] || continue
  jfr_file="$out/profile-$peer.jfr"
  # shellcheck disable=SC2046
  cmd=($(echo_command "$peer"))
  cmd=("${cmd[0]}" "-XX:StartFlightRecording=filename=$jfr_file,settings=profile,dumponexit=true" "${cmd[@]:1}")
  start_server "profile-$peer" "${cmd[@]}" || continue
  loadgen echo --lines --port "$server_port" --connections 1000 --size 64 --duration "$duration" \
    --warmup "$warmup" --server-pid "$server_pid" >"$out/profile-$peer.txt" 2>&1 || true
  stop_server
  jfr_tool="$(dirname "$(readlink -f "$(command -v "${cmd[0]}")")")/jfr"
  if [ -f "$jfr_file" ] && [ -x "$jfr_tool" ]; then
    "$jfr_tool" print --stack-depth 64 --events jdk.ExecutionSample "$jfr_file" >"$out/profile-$peer.samples.txt" 2>/dev/null || true
    log "profiled $peer: $(grep -c 'jdk.ExecutionSample' "$out/profile-$peer.samples.txt" || true) samples"
  fi
done

# --- C10K: 10,000 connections echoing, server at -Xmx64m -----------------------------------------
echo -e "peer\tconnections\trtps\terrors\topen\theap_base_kb\theap_load_kb\trss_base_kb\trss_load_kb" >"$out/c10k.tsv"
c10k_peers=(netty-nio)
[ -n "$fastest" ] && c10k_peers=("$fastest" "${c10k_peers[@]}")
for c10k_java in "${echo_javas[@]}"; do
jdk="$(feature_of "$c10k_java")"
jcmd_c10k="$(jcmd_of "$c10k_java")"
for peer in "${c10k_peers[@]}"; do
  name="c10k-jdk$jdk-$peer"
  # shellcheck disable=SC2046
  start_server "$name" $(echo_command "$peer" -Xmx64m "$c10k_java") || continue
  heap_used() { # KB of heap in use after a full GC
    "$jcmd_c10k" "$server_pid" GC.run >/dev/null 2>&1 || true
    "$jcmd_c10k" "$server_pid" GC.heap_info 2>/dev/null \
      | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | awk '{s+=$1} END {print s+0}'
  }
  rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
  heap_base="$(heap_used)"; rss_base="$(rss)"
  # Not through loadgen(): started directly, $! is the java process itself, so cleanup stops it.
  (ulimit -n 20000; exec taskset -c "$load_cpu" java -Xmx1g -jar "$jar" bench echo --lines \
    --port "$server_port" --connections 10000 --size 64 --duration "$c10k_duration" \
    --warmup 2 --server-pid "$server_pid") >"$out/$name.txt" 2>&1 &
  load_pid=$!
  pids+=("$load_pid")
  # Wait until the window is running (all 10,000 connected), then measure the server under load.
  for _ in $(seq 1 600); do
    established="$(ss -Htn state established "( sport = :$server_port )" 2>/dev/null | wc -l)"
    [ "$established" -ge 10000 ] && break
    kill -0 "$load_pid" 2>/dev/null || break
    sleep 0.2
  done
  sleep 1
  heap_load="$(heap_used)"; rss_load="$(rss)"
  wait "$load_pid" || true
  stop_server
  rtps="$(field "$out/$name.txt" "round trips\/s:" 1)"; errors="$(field "$out/$name.txt" "errors:" 1)"
  open="$(sed -n 's/.*open at the end: \([0-9]*\) of.*/\1/p' "$out/$name.txt")"
  echo -e "$peer (JDK $jdk)\t10000\t$rtps\t$errors\t$open\t$heap_base\t$heap_load\t$rss_base\t$rss_load" >>"$out/c10k.tsv"
  log "$name: $rtps round trips/s, errors $errors, heap $heap_base -> $heap_load KB, RSS $rss_base -> $rss_load KB"
done
done

# --- MJPEG fan-out -----------------------------------------------------------------------------
echo -e "peer\tviewers\tfps_min\tfps_median\tfps_max\tp50_ms\tp99_ms\tmax_ms\terrors\tserver_cpu\tload_cpu\tbytes_s" >"$out/mjpeg.tsv"
frames_dir="$out/frames"
mjpeg_peers=()
camera_command=""
declare -A camera_java_of # socketkit-camera-jdkNN -> that JDK's java
if has_socketkit camera; then
  camera_args="-Xmx256m -jar $jar camera --port 0 --source test --size 640x480 --fps 30 --max-viewers 20000 --max-connections-per-client 20000"
  camera_command="$server_java $camera_args"
  for java in "${echo_javas[@]}"; do # the camera on every JDK the echo tables cover
    camera_java_of[socketkit-camera-jdk$(feature_of "$java")]="$java"
    mjpeg_peers+=("socketkit-camera-jdk$(feature_of "$java")")
  done
fi
mjpeg_peers+=(python-picamera)

mjpeg_command() {
  case "$1" in
    socketkit-camera-jdk*) echo "${camera_java_of[$1]} $camera_args" ;;
    python-picamera) echo "python3 $root/bench/python/mjpeg_server.py --frames $frames_dir --fps 30 --port 0" ;;
  esac
}

# mjpeg_label PEER: the name in the tables, e.g. "socketkit-camera (JDK 17)"
mjpeg_label() {
  case "$1" in
    socketkit-camera-jdk*) echo "socketkit-camera (JDK ${1#socketkit-camera-jdk})" ;;
    *) echo "$1" ;;
  esac
}

# The Python server gets the camera's own test-pattern frames when the camera exists; otherwise
# ffmpeg's test source at the same size and rate stands in (said so in the report).
frames_source="ffmpeg testsrc 640x480"
mkdir -p "$frames_dir"
if [ -n "$camera_command" ]; then
  # shellcheck disable=SC2086
  if start_server camera-frames $camera_command; then
    python3 "$root/bench/python/dump_frames.py" "http://127.0.0.1:$server_port/stream.mjpg" "$frames_dir" 30 \
      && frames_source="socketkit camera test pattern (30 frames dumped from its stream)"
    stop_server
  fi
fi
if ! ls "$frames_dir"/*.jpg >/dev/null 2>&1; then
  ffmpeg -loglevel error -f lavfi -i testsrc=size=640x480:rate=30 -frames:v 30 -q:v 5 "$frames_dir/frame%04d.jpg"
fi
echo "$frames_source" >"$out/frames-source.txt"

for peer in "${mjpeg_peers[@]}"; do
  for viewers in $mjpeg_steps; do
    [ "$peer" = python-picamera ] && [ "$viewers" -gt 1000 ] && break # a thread per viewer
    name="mjpeg-$peer-$viewers"
    # shellcheck disable=SC2046
    start_server "$name" $(mjpeg_command "$peer") || break
    # --max-connecting 4: below the listen backlog of 5 that socketserver-based servers keep
    loadgen mjpeg "http://127.0.0.1:$server_port/stream.mjpg" --viewers "$viewers" --max-connecting 4 \
      --duration "$mjpeg_duration" --warmup 2 --server-pid "$server_pid" >"$out/$name.txt" 2>&1 || true
    stop_server
    r="$out/$name.txt"
    fmin="$(field "$r" "fps per viewer:" 2)"; fmed="$(field "$r" "fps per viewer:" 4)"
    fmax="$(field "$r" "fps per viewer:" 6)"; p50="$(field "$r" "frame age ms:" 2)"
    p99="$(field "$r" "frame age ms:" 4)"; amax="$(field "$r" "frame age ms:" 6)"
    errors="$(field "$r" "errors:" 1)"; bytes="$(field "$r" "bytes\/s:" 1)"
    scpu="$(sed -n 's/.*server \([0-9.]*\)% of one core.*/\1/p' "$r")"
    lcpu="$(sed -n 's/^cpu: load generator \([0-9.]*\)%.*/\1/p' "$r")"
    echo -e "$(mjpeg_label "$peer")\t$viewers\t$fmin\t$fmed\t$fmax\t$p50\t$p99\t$amax\t$errors\t$scpu\t$lcpu\t$bytes" >>"$out/mjpeg.tsv"
    log "$name: fps min ${fmin:-?} median ${fmed:-?}, age p50 ${p50:-?} ms p99 ${p99:-?} ms, errors ${errors:-?}"
    # Search upward until the slowest viewer drops below 28 fps (always measure 1,000 for latency).
    if [ "$viewers" -ge 1000 ] && { [ -z "$fmin" ] || awk "BEGIN {exit !($fmin < 28)}"; }; then
      break
    fi
  done
done

# --- JMH microbenchmarks -------------------------------------------------------------------------
log "JMH"
taskset -c "$server_cpu" java -jar "$bench_jar" "${jmh_args[@]}" -rf json -rff "$out/jmh.json" \
  >"$out/jmh.txt" 2>&1 || log "JMH failed: $(tail -n 3 "$out/jmh.txt")"

# --- Report ------------------------------------------------------------------------------------
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') x $(nproc) ($(lscpu | sed -n 's/^Hypervisor vendor: *//p') guest)"
  echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "kernel: $(uname -r)"
  echo "server java: $("$server_java" -version 2>&1 | head -n 1)"
  echo "java 17: $("$java17" -version 2>&1 | head -n 1)"
  for java in "${echo_javas[@]}"; do
    echo "echo table JDK $(feature_of "$java"): $("$java" -version 2>&1 | head -n 1)"
  done
  echo "netty flags on JDK $(feature_of "$server_java"): $(netty_flags "$server_java")"
  if [ "$echo_client" = c ]; then
    echo "echo tables measured by: bench/c/echo_load.c (C, epoll, one thread; ECHO_CLIENT=c)"
  else
    echo "echo tables measured by: socketkit bench echo (loadgen, Java NIO, one thread; ECHO_CLIENT=loadgen)"
  fi
  echo "clients agree? table on: JDK $(feature_of "$java17")"
  echo "python: $(python3 --version 2>&1)"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "mode: $([ "$quick" = 1 ] && echo "quick (--quick)" || echo full)"
  echo "repeats: $repeats; echo duration ${duration}s after ${warmup}s warm-up; mjpeg ${mjpeg_duration}s"
  echo "socketkit echo modes found: ${socketkit_modes[*]:-none}"
  echo "camera: $([ -n "$camera_command" ] && echo present || echo missing)"
  echo "frames for the Python MJPEG server: $frames_source"
} >"$out/machine.txt"
echo "$echo_client" >"$out/echo-client.txt"
python3 "$root/bench/report.py" "$out" "$root/docs/benchmarks.md"
java -cp "$bench_jar" dev.socketkit.bench.Chart "$out/chart.tsv" "$root/docs/benchmarks.png"
log "wrote docs/benchmarks.md and docs/benchmarks.png (raw results in $out)"
