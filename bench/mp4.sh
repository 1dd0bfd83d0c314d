#!/usr/bin/env bash
# The camera's live H.264 view (/stream.mp4) measured by two independent clients, on the JDK that
# bin/socketkit runs by default and on a JDK 21+, side by side:
#   c        bench/c/mp4_viewers.c (epoll, one read per readiness event), built here with cc -O2
#   loadgen  socketkit bench mp4
# Both parse the fragmented MP4 box by box, count fragments (one per picture) per viewer, and take
# each fragment's age from the prft box the camera writes before its moof.
#
# The camera (the built socketkit.jar's `camera`, test pattern 640x480 at 30 fps, --quality 80,
# -Xmx256m) is pinned to CPU 0 (its libx264 child inherits the pinning), the clients to CPU 1
# (taskset). One camera per JDK and viewer count; the C client runs first, then bench mp4 against
# the same camera, each for its own warm-up and window. Per run it records the camera's threads
# (/proc/PID/status) before any viewer and the most seen during the window, the camera's JVM CPU
# over the window (the clients' --server-pid / -p), the encoder's CPU over the window apart
# (the ffmpeg child running libx264, from /proc/PID/stat), the frames the source captured per
# second over the window (the /metrics counter), and /state's formats.mp4.skips at the end. After the first viewer count on the first JDK it also
# runs `bench mjpeg` with 10 viewers against the same camera, to compare bytes per viewer:
# MJPEG at --quality 80 against H.264 (the issue's target: H.264 <= 1/8 of MJPEG).
#
#   bench/mp4.sh                   viewers 100 1000 3000, 10 s windows after 3 s warm-up
#   bench/mp4.sh --quick           3 s windows after 2 s warm-up
#   bench/mp4.sh --quick 100       one short run per JDK: checks the pipeline
#
# Environment: JAVA17 (default: java on PATH, what bin/socketkit runs), JAVA21_HOME (default: the
# first JDK 21+ found under /usr/lib/jvm; none found: the 21+ column is skipped and said so),
# DURATION / WARMUP (seconds), CAMERA_CPU / LOAD_CPU, SOCKETKIT_JAR (default: build cli's jar).
# Raw output stays in bench/target/mp4/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh" # viewer_bench, start_server, start_client, read_report ...
viewer_bench mp4 2,29 "taskset cc curl python3 ffmpeg" "$@"

# start_camera JAVA LOG -> server_pid, server_port
start_camera() {
  start_server camera "$2" "$1" -Xmx256m -jar "$jar" camera --port 0 \
    --source test --size 640x480 --fps 30 --quality 80 --max-viewers 20000 \
    --max-connections-per-client 20000
}

# The camera's libx264 child (ffmpeg ... -c:v libx264 ...), or nothing while no one watches H.264.
encoder_pid() {
  local child
  for child in $(cat /proc/"$server_pid"/task/*/children 2>/dev/null); do
    if tr '\0' ' ' <"/proc/$child/cmdline" 2>/dev/null | grep -q libx264; then
      echo "$child"; return 0
    fi
  done
}

# utime + stime of a process in clock ticks (fields 14 and 15 of /proc/PID/stat, after the name)
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}'; }

state_field() { # a field of /state (python3 reads the JSON), or ?
  curl -fsS --max-time 5 "http://127.0.0.1:$server_port/state" 2>/dev/null \
    | python3 -c "import json, sys; s = json.load(sys.stdin); print($1)" 2>/dev/null || echo "?"
}

# watch CLIENT_PID FILE: while the client runs, once its warm-up is over, writes to FILE the lowest
# fpsCaptured seen, the most camera threads seen and the encoder's CPU (% of one core) over the
# samples' span
watch_camera() {
  local client="$1" file="$2" window enc="" enc_t0="" enc_w0="" enc_t1="" enc_w1=""
  local start=$SECONDS ticks_per_s
  ticks_per_s="$(getconf CLK_TCK)"
  : >"$file.samples"
  while kill -0 "$client" 2>/dev/null; do
    if [ $((SECONDS - start)) -ge $((warmup + 1)) ]; then
      sample_camera "$file.samples" "$start"
      [ -n "$enc" ] || enc="$(encoder_pid)"
      if [ -n "$enc" ] && [ -r "/proc/$enc/stat" ]; then
        if [ -z "$enc_t0" ]; then
          enc_t0="$(cpu_ticks "$enc")"; enc_w0="$(date +%s.%N)"
        else
          enc_t1="$(cpu_ticks "$enc")"; enc_w1="$(date +%s.%N)"
        fi
      fi
    fi
    sleep 1 # sampling period, not synchronisation
  done
  # fpsCaptured and threads only from the client's measured window, the last DURATION seconds
  # before it exited (not its connect phase: see bench/mjpeg.sh)
  window="$(window_of_samples "$file.samples" "$((SECONDS - start))")"
  local enc_cpu="?"
  if [ -n "$enc_t1" ]; then
    enc_cpu="$(awk "BEGIN {printf \"%.1f\", 100 * ($enc_t1 - $enc_t0) / $ticks_per_s / ($enc_w1 - $enc_w0)}")"
  fi
  echo "$window $enc_cpu" >"$file"
}

# on_client: a row of the table per run (measure)
on_client() {
  local fps_captured most_threads encoder_cpu skips kbits
  read -r fps_captured most_threads encoder_cpu <"$out/$name.watch"
  skips="$(state_field 's["formats"]["mp4"]["skips"]')"
  kbits="$(sed -n 's/^bytes\/s: .*, \([0-9.]*\) kbit\/s.*/\1/p' "$report" | head -n 1)"
  rows+=("| $jdk | $viewers | $client | ${fmin:-?} / ${fmed:-?} / ${fmax:-?} | ${p50:-?} / ${p99:-?} | ${kbits:-?} | ${errors:-?} | ${idle_threads:-?} → $most_threads | ${cpu:-?} % | $encoder_cpu % | $fps_captured | $skips |")
  log "$name: fps ${fmin:-?}/${fmed:-?}/${fmax:-?}, age p50 ${p50:-?} p99 ${p99:-?} ms, encoder $encoder_cpu %, fpsCaptured $fps_captured"
}

# on_camera: on the first camera only, MJPEG's bytes per viewer, for the H.264/MJPEG ratio.
on_camera() {
  [ -z "$mjpeg_line" ] || return 0
  local mjpeg_report="$out/jdk$jdk-$viewers-mjpeg-bytes.txt" mjpeg_rate mp4_rate
  (ulimit -n 20000; exec taskset -c "$load_cpu" "$java17" -jar "$jar" bench mjpeg \
    "http://127.0.0.1:$server_port/stream.mjpg" --viewers 10 --duration "$duration" \
    --warmup "$warmup") >"$mjpeg_report" 2>&1 || log "the MJPEG comparison failed: $(tail -n 1 "$mjpeg_report")"
  mjpeg_rate="$(sed -n 's/^bytes\/s: \([0-9]*\).*/\1/p' "$mjpeg_report" | head -n 1)"
  mp4_rate="$(sed -n 's/^bytes\/s: [0-9]* (per viewer \([0-9]*\),.*/\1/p' "$out/jdk$jdk-$viewers-loadgen.txt" | head -n 1)"
  if [ -n "$mjpeg_rate" ] && [ -n "$mp4_rate" ] && [ "$mp4_rate" -gt 0 ]; then
    mjpeg_line="$(awk "BEGIN {m = $mjpeg_rate / 10; printf \"bytes per viewer per second: MJPEG (quality 80, 10 viewers) %.0f, H.264 (%d viewers) %d: H.264 is 1/%.1f of MJPEG (target: 1/8 or less)\", m, $viewers, $mp4_rate, m / $mp4_rate}")"
  else
    mjpeg_line="bytes per viewer: not measured (see $mjpeg_report)"
  fi
}

rows=()
mjpeg_line=""
measure mp4 stream.mp4 "fragment age ms:"

{
  echo "/stream.mp4, camera $(basename "$jar") test pattern 640x480 at 30 fps, quality 80, -Xmx256m, on CPU $camera_cpu"
  echo "(its libx264 child too); clients on CPU $load_cpu; ${duration} s window after ${warmup} s warm-up; $(date -u '+%Y-%m-%d %H:%M UTC')."
  jdk_lines
  echo
  echo "| JDK | viewers | client | fps per viewer min / median / max | fragment age ms p50 / p99 | kbit/s per viewer | errors | camera threads idle → load | camera CPU (JVM) | encoder CPU | frames captured per s | skips |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "$mjpeg_line"
} | tee "$out/table.md"
