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
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh" # viewer_bench, start_server, start_client, read_report ...
viewer_bench mjpeg 2,24 "taskset cc curl" "$@"

# start_camera JAVA LOG -> server_pid, server_port
start_camera() {
  start_server camera "$2" "$1" -Xmx256m -jar "$jar" camera --port 0 \
    --source test --size 640x480 --fps 30 --max-viewers 20000 --max-connections-per-client 20000
}

# watch_camera CLIENT_PID FILE: while the client runs, samples the camera once a second
# (sample_camera); when it exits, writes to FILE the frames captured per second and the most threads
# among the samples of its measured window, the last DURATION seconds before it exited (the
# clients exit when their window ends). Samples before that (the viewers connecting, which takes
# the C client several seconds at 3,000 viewers, and the warm-up) are left out: a request thread
# per connecting viewer is expected there, and a source delayed by thousands of accepts too.
watch_camera() {
  local client="$1" file="$2" start=$SECONDS
  : >"$file.samples"
  while kill -0 "$client" 2>/dev/null; do
    sample_camera "$file.samples" "$start"
    sleep 1 # sampling period, not synchronisation
  done
  window_of_samples "$file.samples" "$((SECONDS - start))" >"$file"
}

# on_client: a row of the table per run (measure)
on_client() {
  local fps_captured most_threads repeats
  read -r fps_captured most_threads <"$out/$name.watch"
  repeats="$(field "$report" "repeats:" 1)"
  rows+=("| $jdk | $viewers | $client | ${fmin:-?} / ${fmed:-?} / ${fmax:-?} | ${repeats:-?} | ${p50:-?} / ${p99:-?} | ${errors:-?} | ${idle_threads:-?} → $most_threads | ${cpu:-?} % | $fps_captured |")
  log "$name: fps ${fmin:-?}/${fmed:-?}/${fmax:-?}, age p99 ${p99:-?} ms, threads $most_threads, fpsCaptured $fps_captured"
}

on_camera() { :; }

rows=()
measure mjpeg stream.mjpg "frame age ms:"

{
  echo "MJPEG fan-out, camera $(basename "$jar") test pattern 640x480 at 30 fps, -Xmx256m, on CPU $camera_cpu;"
  echo "clients on CPU $load_cpu; ${duration} s window after ${warmup} s warm-up; $(date -u '+%Y-%m-%d %H:%M UTC')."
  jdk_lines
  echo
  echo "| JDK | viewers | client | fps per viewer min / median / max | repeats | frame age ms p50 / p99 | errors | camera threads idle → load | camera CPU | frames captured per s |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$out/table.md"
