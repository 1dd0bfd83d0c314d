# Sourced by the camera benchmarks (mjpeg.sh, mp4.sh, cameras.sh) right after they set root: what
# they share around their own measurements. The functions read the script's settings from globals
# (quick, camera_cpu, load_cpu, viewers; java17, java21 and feature_of from bench/jdks.sh) and
# return theirs in globals too, as each function's comment says.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # the globals above, set and read by the sourcing script

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# parse_viewer_args SCRIPT HELP_LINES ARG... -> quick, viewer_counts (default 100 1000 3000); -h
# prints the script's header (its lines HELP_LINES), a wrong argument exits 2.
parse_viewer_args() {
  local script="$1" help="$2" arg
  shift 2
  quick=0
  viewer_counts=()
  for arg in "$@"; do
    case "$arg" in
      --quick) quick=1 ;;
      -h|--help) sed -n "${help}p" "$0"; exit 0 ;;
      *[!0-9]*|'') echo "$script: unknown argument $arg (expected: --quick or viewer counts)" >&2; exit 2 ;;
      *) viewer_counts+=("$arg") ;;
    esac
  done
  [ "${#viewer_counts[@]}" -gt 0 ] || viewer_counts=(100 1000 3000)
}

# set_window -> duration, warmup: DURATION / WARMUP, else 3 s after 2 s with --quick, 10 s after 3 s.
set_window() {
  if [ "$quick" = 1 ]; then
    duration="${DURATION:-3}"; warmup="${WARMUP:-2}"
  else
    duration="${DURATION:-10}"; warmup="${WARMUP:-3}"
  fi
}

# need_tools SCRIPT TOOL...: exits 1 naming the first TOOL missing from PATH.
need_tools() {
  local script="$1" tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$script: $tool is missing (taskset is in util-linux)" >&2; exit 1; }
  done
}

# viewer_bench NAME HELP_LINES TOOLS ARG...: how mjpeg.sh and mp4.sh (NAME.sh) start: their
# arguments (parse_viewer_args), their window (set_window), camera_cpu (CAMERA_CPU, default 0) and
# load_cpu (LOAD_CPU, default 1), the JDKs (bench/jdks.sh), the TOOLS they need (a list), prepare
# with the C client NAME_viewers, and pick_jdks.
viewer_bench() {
  local name="$1" help="$2" tools="$3"
  shift 3
  parse_viewer_args "$name.sh" "$help" "$@"
  set_window
  camera_cpu="${CAMERA_CPU:-0}"
  load_cpu="${LOAD_CPU:-1}"
  # shellcheck source=bench/jdks.sh
  . "$root/bench/jdks.sh" # feature_of, java17, java21
  # shellcheck disable=SC2086 # the list of tools, split
  need_tools "$name.sh" $tools
  prepare "$name" "${name}_viewers"
  pick_jdks
}

server_pid=""

# prepare NAME CLIENT -> jar (SOCKETKIT_JAR, else cli's, built when missing or stale), out
# (bench/target/NAME, emptied) and work, a temporary directory holding the C client
# bench/c/CLIENT.c built with cc -O2. From then on, exiting stops the server and removes work.
prepare() {
  jar="${SOCKETKIT_JAR:-$root/cli/target/socketkit.jar}"
  if [ -z "${SOCKETKIT_JAR:-}" ]; then
    "$root/bin/socketkit" --version >/dev/null # builds the jar when it is missing or stale
  fi
  out="$root/bench/target/$1"
  rm -rf "$out"
  mkdir -p "$out"
  work="$(mktemp -d)"
  cc -O2 -o "$work/$2" "$root/bench/c/$2.c"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

# cleanup: prepare's exit trap.
cleanup() {
  [ -n "${scraper_pid:-}" ] && kill "$scraper_pid" 2>/dev/null || true # cameras.sh's /metrics scraper
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}

# pick_jdks -> jdks: java17, and java21 when there is one (said when there is not).
pick_jdks() {
  jdks=("$java17")
  if [ -n "$java21" ] && [ -x "$java21" ]; then
    jdks+=("$java21")
  else
    log "no JDK 21+ found (set JAVA21_HOME): measuring on $(feature_of "$java17") only"
  fi
}

# jdk_lines: a line per JDK measured, its feature release and its `java -version`.
jdk_lines() {
  local java
  for java in "${jdks[@]}"; do echo "JDK $(feature_of "$java"): $("$java" -version 2>&1 | head -n 1)"; done
}

# start_server WHAT LOG COMMAND...: runs COMMAND pinned to camera_cpu with `ulimit -n 20000`, its
# output in LOG, and waits for its "listening on HOST:PORT" -> server_pid, server_port
start_server() {
  local what="$1" logfile="$2"
  shift 2
  (ulimit -n 20000; exec taskset -c "$camera_cpu" "$@") >"$logfile" 2>&1 &
  server_pid=$!
  server_port=""
  for _ in $(seq 1 300); do
    server_port="$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$logfile" | head -n 1)"
    [ -n "$server_port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1 # polling a server that is starting, with a deadline of 30 s
  done
  log "the $what did not start: $(tail -n 3 "$logfile" | tr '\n' ' ')"
  return 1
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

threads() { awk '/^Threads:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || true; }

# sample_camera SAMPLES START: appends to the file SAMPLES the seconds since START, /metrics'
# frames-captured counter, the camera's threads and the time (not /state, whose list of 3,000
# viewers would cost the camera what it measures).
sample_camera() {
  local fps t
  fps="$(curl -fsS --max-time 2 "http://127.0.0.1:$server_port/metrics" 2>/dev/null \
    | awk '/^socketkit_camera_frames_captured_total/ {printf "%.0f", $NF; exit}')"
  t="$(threads)"
  echo "$((SECONDS - $2)) ${fps:-?} ${t:-?} $(date +%s.%N)" >>"$1"
}

# window_of_samples SAMPLES END: over the samples of the client's measured window, the last DURATION
# seconds before END (when it exited), prints the frames captured per second (the counter over the
# window's first and last samples) and the most threads.
window_of_samples() {
  local lowest most
  lowest="$(awk -v from="$(($2 - duration))" '$1 >= from && $2 != "?" {if (f == "") {f = $2; t0 = $4} l = $2; t1 = $4} END {print (t1 > t0 ? sprintf("%.1f", (l - f) / (t1 - t0)) : "?")}' "$1")"
  most="$(awk -v from="$(($2 - duration))" '$1 >= from && $3 != "?" {if ($3 > m) m = $3} END {print m + 0}' "$1")"
  echo "$lowest $most"
}

# start_client c|loadgen FORMAT URL REPORT: the C client bench/c/FORMAT_viewers.c or `socketkit
# bench FORMAT`, pinned to load_cpu, viewers viewers, output in REPORT -> client_pid
start_client() {
  if [ "$1" = c ]; then
    (ulimit -n 20000; exec taskset -c "$load_cpu" "$work/$2_viewers" -n "$viewers" \
      -w "$warmup" -d "$duration" -p "$server_pid" "$3") >"$4" 2>&1 &
  else
    (ulimit -n 20000; exec taskset -c "$load_cpu" "$java17" -Xmx1g -jar "$jar" bench "$2" "$3" \
      --viewers "$viewers" --duration "$duration" --warmup "$warmup" --server-pid "$server_pid") \
      >"$4" 2>&1 &
  fi
  client_pid=$!
}

# measure FORMAT PATH AGE_LABEL: per JDK (jdk) and viewer count (viewers), a camera (the script's
# start_camera JAVA LOG) watched over /PATH by the C client, then by loadgen (client), each run
# (name, report) watched by the script's watch_camera CLIENT_PID FILE (into $out/$name.watch) and
# read (read_report); the script's on_client takes each run's figures, its on_camera what else it
# measures on the camera before it stops.
measure() {
  local java
  for java in "${jdks[@]}"; do
    jdk="$(feature_of "$java")"
    for viewers in "${viewer_counts[@]}"; do
      start_camera "$java" "$out/jdk$jdk-$viewers.camera.log" || continue
      idle_threads="$(threads)"
      for client in c loadgen; do
        name="jdk$jdk-$viewers-$client"
        report="$out/$name.txt"
        start_client "$client" "$1" "http://127.0.0.1:$server_port/$2" "$report"
        watch_camera "$client_pid" "$out/$name.watch"
        wait "$client_pid" || log "$name: the client failed: $(tail -n 1 "$report")"
        read_report "$client" "$report" "$3"
        on_client
      done
      on_camera
      stop_server
    done
  done
}

field() { sed -n "s/^$2 *//p" "$1" | awk "{print \$$3}" | head -n 1; }

# read_report c|loadgen REPORT AGE_LABEL -> fmin, fmed, fmax, p50, p99, errors, cpu (the server's)
read_report() {
  fmin="$(field "$2" "fps per viewer:" 2)"; fmed="$(field "$2" "fps per viewer:" 4)"
  fmax="$(field "$2" "fps per viewer:" 6)"
  p50="$(field "$2" "$3" 2)"; p99="$(field "$2" "$3" 4)"
  errors="$(field "$2" "errors:" 1)"
  if [ "$1" = c ]; then
    cpu="$(sed -n 's/^server: cpu \([0-9.]*\)%.*/\1/p' "$2")"
  else
    cpu="$(sed -n 's/.*server \([0-9.]*\)% of one core.*/\1/p' "$2")"
  fi
}
