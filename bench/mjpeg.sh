#!/usr/bin/env bash
# MJPEG fan-out measured by two independent clients, on the JDK that bin/socketkit runs by default
# and on a JDK 21+, side by side:
#   c        bench/c/mjpeg_viewers.c (epoll, one read per readiness event), built here with cc -O2
#   loadgen  socketkit bench mjpeg
# Both count frames as distinct X-Timestamp values per viewer and report repeats separately.
#
# The camera (the built socketkit.jar's `camera`, test pattern 640x480 at 30 fps, -Xmx256m) is pinned
# to CPU 0, the clients to CPU 1 (taskset). One camera per JDK and viewer count; the C client runs
# first, then bench mjpeg against the same camera, each for its own warm-up and window. Per run it records the camera's
# threads (/proc/PID/status) before any viewer and at the end of the window, the camera's CPU over
# the window, and the frames the source captured per second over the window (the /metrics
# counter; the client's own window, the seconds before it exits, not its connect phase or warm-up). The camera runs
# with --max-viewers and --max-connections-per-client 20000 (all viewers come from 127.0.0.1) and
# every process with `ulimit -n 20000`.
#
#   bench/mjpeg.sh                   viewers 100 1000 3000, 10 s windows after 3 s warm-up
#   bench/mjpeg.sh --quick           3 s windows after 2 s warm-up
#   bench/mjpeg.sh 100 500           other viewer counts
#
# Environment: JAVA17 (default: java on PATH, what bin/socketkit runs), JAVA21_HOME (default: the
# first JDK 21+ found under /usr/lib/jvm; none found: the 21+ column is skipped and said so),
# DURATION / WARMUP (seconds), CAMERA_CPU / LOAD_CPU, SOCKETKIT_JAR (default: build cli's jar).
# Raw client output stays in bench/target/mjpeg/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick=0
viewer_counts=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *[!0-9]*|'') echo "mjpeg.sh: unknown argument $arg (expected: --quick or viewer counts)" >&2; exit 2 ;;
    *) viewer_counts+=("$arg") ;;
  esac
done
[ "${#viewer_counts[@]}" -gt 0 ] || viewer_counts=(100 1000 3000)
if [ "$quick" = 1 ]; then
  duration="${DURATION:-3}"; warmup="${WARMUP:-2}"
else
  duration="${DURATION:-10}"; warmup="${WARMUP:-3}"
fi
camera_cpu="${CAMERA_CPU:-0}"
load_cpu="${LOAD_CPU:-1}"

# shellcheck source=bench/jdks.sh
. "$root/bench/jdks.sh" # feature_of, java17, java21

for tool in taskset cc curl; do
  command -v "$tool" >/dev/null || { echo "mjpeg.sh: $tool is missing (taskset is in util-linux)" >&2; exit 1; }
done

jar="${SOCKETKIT_JAR:-$root/cli/target/socketkit.jar}"
if [ -z "${SOCKETKIT_JAR:-}" ]; then
  "$root/bin/socketkit" --version >/dev/null # builds the jar when it is missing or stale
fi
out="$root/bench/target/mjpeg"
rm -rf "$out"
mkdir -p "$out"
work="$(mktemp -d)"
cc -O2 -o "$work/mjpeg_viewers" "$root/bench/c/mjpeg_viewers.c"

camera_pid=""
cleanup() {
  [ -n "$camera_pid" ] && kill "$camera_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

jdks=("$java17")
if [ -n "$java21" ] && [ -x "$java21" ]; then
  jdks+=("$java21")
else
  log "no JDK 21+ found (set JAVA21_HOME): measuring on $(feature_of "$java17") only"
fi

# start_camera JAVA LOG -> camera_pid, camera_port
start_camera() {
  (ulimit -n 20000; exec taskset -c "$camera_cpu" "$1" -Xmx256m -jar "$jar" camera --port 0 \
    --source test --size 640x480 --fps 30 --max-viewers 20000 --max-connections-per-client 20000) \
    >"$2" 2>&1 &
  camera_pid=$!
  camera_port=""
  for _ in $(seq 1 300); do
    camera_port="$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$2" | head -n 1)"
    [ -n "$camera_port" ] && return 0
    kill -0 "$camera_pid" 2>/dev/null || break
    sleep 0.1 # polling a camera that is starting, with a deadline of 30 s
  done
  log "the camera did not start: $(tail -n 3 "$2" | tr '\n' ' ')"
  return 1
}

stop_camera() {
  kill "$camera_pid" 2>/dev/null || true
  wait "$camera_pid" 2>/dev/null || true
  camera_pid=""
}

threads() { awk '/^Threads:/ {print $2}' "/proc/$camera_pid/status" 2>/dev/null || true; }

# watch CLIENT_PID FILE: while the client runs, samples /metrics' frames-captured counter and the
# camera's threads once a second (not /state, whose list of 3,000 viewers would cost the camera
# what it measures); when it exits, writes to FILE the frames captured per second and the most threads
# among the samples of its measured window, the last DURATION seconds before it exited (the
# clients exit when their window ends). Samples before that (the viewers connecting, which takes
# the C client several seconds at 3,000 viewers, and the warm-up) are left out: a request thread
# per connecting viewer is expected there, and a source delayed by thousands of accepts too.
watch_camera() {
  local client="$1" file="$2" start=$SECONDS fps t end lowest most
  : >"$file.samples"
  while kill -0 "$client" 2>/dev/null; do
    fps="$(curl -fsS --max-time 2 "http://127.0.0.1:$camera_port/metrics" 2>/dev/null \
      | awk '/^socketkit_camera_frames_captured_total/ {printf "%.0f", $NF; exit}')"
    t="$(threads)"
    echo "$((SECONDS - start)) ${fps:-?} ${t:-?} $(date +%s.%N)" >>"$file.samples"
    sleep 1 # sampling period, not synchronisation
  done
  end=$((SECONDS - start))
  # frames captured (/metrics' counter) over the window's first and last samples, per second
  lowest="$(awk -v from="$((end - duration))" '$1 >= from && $2 != "?" {if (f == "") {f = $2; t0 = $4} l = $2; t1 = $4} END {print (t1 > t0 ? sprintf("%.1f", (l - f) / (t1 - t0)) : "?")}' "$file.samples")"
  most="$(awk -v from="$((end - duration))" '$1 >= from && $3 != "?" {if ($3 > m) m = $3} END {print m + 0}' "$file.samples")"
  echo "$lowest $most" >"$file"
}

field() { sed -n "s/^$2 *//p" "$1" | awk "{print \$$3}" | head -n 1; }

rows=()
for java in "${jdks[@]}"; do
  jdk="$(feature_of "$java")"
  for viewers in "${viewer_counts[@]}"; do
    start_camera "$java" "$out/jdk$jdk-$viewers.camera.log" || continue
    idle_threads="$(threads)"
    for client in c loadgen; do
      name="jdk$jdk-$viewers-$client"
      url="http://127.0.0.1:$camera_port/stream.mjpg"
      report="$out/$name.txt"
      if [ "$client" = c ]; then
        (ulimit -n 20000; exec taskset -c "$load_cpu" "$work/mjpeg_viewers" -n "$viewers" \
          -w "$warmup" -d "$duration" -p "$camera_pid" "$url") >"$report" 2>&1 &
      else
        (ulimit -n 20000; exec taskset -c "$load_cpu" "$java17" -Xmx1g -jar "$jar" bench mjpeg "$url" \
          --viewers "$viewers" --duration "$duration" --warmup "$warmup" --server-pid "$camera_pid") \
          >"$report" 2>&1 &
      fi
      client_pid=$!
      watch_camera "$client_pid" "$out/$name.watch"
      wait "$client_pid" || log "$name: the client failed: $(tail -n 1 "$report")"
      read -r fps_captured most_threads <"$out/$name.watch"
      fmin="$(field "$report" "fps per viewer:" 2)"; fmed="$(field "$report" "fps per viewer:" 4)"
      fmax="$(field "$report" "fps per viewer:" 6)"; repeats="$(field "$report" "repeats:" 1)"
      p50="$(field "$report" "frame age ms:" 2)"; p99="$(field "$report" "frame age ms:" 4)"
      errors="$(field "$report" "errors:" 1)"
      if [ "$client" = c ]; then
        cpu="$(sed -n 's/^server: cpu \([0-9.]*\)%.*/\1/p' "$report")"
      else
        cpu="$(sed -n 's/.*server \([0-9.]*\)% of one core.*/\1/p' "$report")"
      fi
      row="| $jdk | $viewers | $client | ${fmin:-?} / ${fmed:-?} / ${fmax:-?} | ${repeats:-?} | ${p50:-?} / ${p99:-?} | ${errors:-?} | ${idle_threads:-?} → $most_threads | ${cpu:-?} % | $fps_captured |"
      rows+=("$row")
      log "$name: fps ${fmin:-?}/${fmed:-?}/${fmax:-?}, age p99 ${p99:-?} ms, threads $most_threads, fpsCaptured $fps_captured"
    done
    stop_camera
  done
done

{
  echo "MJPEG fan-out, camera $(basename "$jar") test pattern 640x480 at 30 fps, -Xmx256m, on CPU $camera_cpu;"
  echo "clients on CPU $load_cpu; ${duration} s window after ${warmup} s warm-up; $(date -u '+%Y-%m-%d %H:%M UTC')."
  for java in "${jdks[@]}"; do echo "JDK $(feature_of "$java"): $("$java" -version 2>&1 | head -n 1)"; done
  echo
  echo "| JDK | viewers | client | fps per viewer min / median / max | repeats | frame age ms p50 / p99 | errors | camera threads idle → load | camera CPU | frames captured per s |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$out/table.md"
